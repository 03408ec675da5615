package dev.labq.bench.sim;

import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.priority.KeyLine;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobStatus;

import java.util.List;

/**
 * First come, first served: the order of the simulator's FCFS and EASY baselines. Every job has priority 0
 * (no factors, no tiebreak), so the decision core orders them by its own ties: submission time, then id.
 */
final class FifoPolicy implements PriorityPolicy {
    static final String NAME = "fifo";
    private static final Priority NONE = new Priority(0, 0, List.of());

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Priority priority(JobStatus job, PolicyContext context) {
        return NONE;
    }

    @Override
    public double jobKey(JobStatus job, PolicyContext context) {
        return 0;
    }

    @Override
    public KeyLine keyLine(JobStatus job, PolicyContext context) {
        return KeyLine.constant(0, Long.MAX_VALUE);
    }

    @Override
    public double accountKey(String project, String user, PolicyContext context) {
        return 0;
    }

    @Override
    public long tiebreak(JobStatus job) {
        return 0;
    }
}
