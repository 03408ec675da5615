package dev.labq.core.testkit;

import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.state.JobChange;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records the order in which jobs reached each state. */
public final class Recorder implements SchedulerListener {
    private final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void jobChanged(JobChange change) {
        if (change.stateChanged()) {
            events.add(change.after().id() + ":" + change.after().state());
        }
    }

    /** Ids in the order they entered {@code state}. */
    public List<JobId> order(JobState state) {
        return events.stream().filter(e -> e.endsWith(":" + state)).map(e -> JobId.parse(e.substring(0, e.indexOf(':')))).toList();
    }

    public List<String> events() {
        return events;
    }
}
