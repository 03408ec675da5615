package dev.labq.bench.sim;

import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobStatus;

import java.time.Instant;
import java.util.Comparator;

/** First come, first served: the order of the simulator's FCFS and EASY baselines. */
final class FifoPolicy implements PriorityPolicy {
    private static final Comparator<JobStatus> ORDER = Comparator.comparingLong(JobStatus::submitMillis)
            .thenComparingLong(j -> j.id().value());

    @Override
    public Comparator<JobStatus> order() {
        return ORDER;
    }

    @Override
    public String explain(JobStatus job) {
        return "submitted=" + Instant.ofEpochMilli(job.submitMillis());
    }
}
