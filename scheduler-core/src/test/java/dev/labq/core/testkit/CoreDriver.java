package dev.labq.core.testkit;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link DecisionCore} as the decision stage does, on a virtual clock: entries get increasing indexes
 * and the current virtual time as their timestamp; decisions are journaled (applied) at once.
 */
public final class CoreDriver {
    private final DecisionCore core;
    private long index;
    private long nowMillis;
    private long nextId = 1;

    public CoreDriver(LabqConfig config, MachineInventory machine, long startMillis) {
        this.core = DecisionCore.of(config, new ResourcePool(machine));
        this.nowMillis = startMillis;
    }

    public DecisionCore core() {
        return core;
    }

    public long now() {
        return nowMillis;
    }

    public void advance(long millis) {
        nowMillis += millis;
    }

    public List<JobChange> apply(JournalEvent event) {
        return core.apply(++index, nowMillis, event);
    }

    public JobId submit(JobSpec spec) {
        JobId id = JobId.of(nextId++);
        apply(new JournalEvent.Submitted(id, spec));
        return id;
    }

    /** Decides at the current time and applies every dispatch; returns the started job ids in order. */
    public List<JobId> decide() {
        List<JobId> started = new ArrayList<>();
        for (JournalEvent.Dispatched d : core.decide(nowMillis)) {
            apply(d);
            started.add(d.job());
        }
        return started;
    }

    public void finish(JobId job) {
        JobStatus s = status(job);
        apply(new JournalEvent.Finished(job, s.attempt(), JobState.COMPLETED, 0, null));
    }

    public JobStatus status(JobId job) {
        return core.table().get(job);
    }

    public String reason(JobId job) {
        return core.pendingReason(status(job));
    }
}
