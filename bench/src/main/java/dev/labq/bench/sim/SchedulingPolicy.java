package dev.labq.bench.sim;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.Placement;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobTable;

/**
 * The policies one simulation compares. All run on labq's own {@link DecisionCore} and placement, with the
 * workload's configuration (budgets included); they differ only in the order of waiting jobs and in
 * backfill ({@code scheduler.backfill}).
 */
public enum SchedulingPolicy {
    /** First come, first served, strictly: nothing passes a waiting job. */
    FCFS("first come, first served, no backfill"),
    /** First come, first served with EASY backfill over the whole queue: what KTH's SP2 ran in production. */
    EASY("first come, first served, EASY backfill (whole queue)"),
    /** labq as configured: its priority policy (multifactor by default), budgets and backfill setting. */
    LABQ("labq: the configured policy (multifactor by default), budgets and backfill");

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
        LabqConfig config = workload.config();
        return switch (this) {
            case FCFS -> fifo(withBackfill(config, LabqConfig.Settings.BACKFILL_NONE), pool);
            case EASY -> fifo(withBackfill(config, LabqConfig.Settings.BACKFILL_EASY), pool);
            case LABQ -> new DecisionCore(config, new JobTable(), new UsageLedger(config), pool,
                    PriorityPolicy.configured(config), RuntimePredictor.timeLimit());
        };
    }

    private static DecisionCore fifo(LabqConfig config, Placement pool) {
        return new DecisionCore(config, new JobTable(), new UsageLedger(config), pool, new FifoPolicy(),
                RuntimePredictor.timeLimit());
    }

    /** {@code config} with {@code scheduler.backfill} set to {@code backfill}; everything else (budgets too) kept. */
    static LabqConfig withBackfill(LabqConfig config, String backfill) {
        LabqConfig.Settings s = config.scheduler();
        return new LabqConfig(config.machine(), config.projects(), new LabqConfig.Settings(s.killGraceSeconds(),
                s.inProcessThreads(), s.defaultProject(), s.maxAttempts(), backfill, s.policy()), config.priority());
    }
}
