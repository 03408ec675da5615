package dev.labq.bench.sim;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ReadyQueue;
import dev.labq.core.decision.Placement;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobTable;

/**
 * The policies one simulation compares. All run on labq's own {@link DecisionCore} and placement; they
 * differ only in the order of waiting jobs and in backfill.
 */
public enum SchedulingPolicy {
    /** First come, first served, strictly: nothing passes a waiting job. */
    FCFS("first come, first served, no backfill"),
    /** First come, first served with EASY backfill over the whole queue: what KTH's SP2 ran in production. */
    EASY("first come, first served, EASY backfill (whole queue)"),
    /** labq as configured: its priority policy and its backfill setting. */
    LABQ("labq: importance, deadline, age; backfill as configured");

    private final String description;

    SchedulingPolicy(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The name in RESULT lines: {@code fcfs}, {@code easy}, {@code labq}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    DecisionCore decisionCore(Workload workload) {
        Placement pool = workload.placement().get();
        return switch (this) {
            case FCFS -> fifo(pool, 0);
            case EASY -> fifo(pool, Integer.MAX_VALUE);
            case LABQ -> {
                LabqConfig config = workload.config();
                PriorityPolicy policy = new ImportanceDeadlineAgePolicy(config);
                yield new DecisionCore(new JobTable(), pool, policy, ReadyQueue.ordered(policy.order()),
                        config.scheduler().backfillJobs());
            }
        };
    }

    private static DecisionCore fifo(Placement pool, int backfillDepth) {
        FifoPolicy fifo = new FifoPolicy();
        return new DecisionCore(new JobTable(), pool, fifo, ReadyQueue.ordered(fifo.order()), backfillDepth);
    }
}
