package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.state.JobStatus;

import java.util.Comparator;

/**
 * The first labq policy: higher importance first (the job's own, else its project's), then the earlier
 * deadline (jobs without one after those with one), then the older submission, then the lower id.
 */
public final class ImportanceDeadlineAgePolicy implements PriorityPolicy {
    private final LabqConfig config;
    private final Comparator<JobStatus> order;

    public ImportanceDeadlineAgePolicy(LabqConfig config) {
        this.config = config;
        this.order = Comparator.comparingInt(this::importance).reversed()
                .thenComparingLong(ImportanceDeadlineAgePolicy::deadline)
                .thenComparingLong(JobStatus::submitMillis)
                .thenComparingLong(j -> j.id().value());
    }

    @Override
    public Comparator<JobStatus> order() {
        return order;
    }

    /** The importance the order uses: the job's own when set, else its project's. */
    public int importance(JobStatus job) {
        Integer own = job.spec().importance();
        return own != null ? own : config.importanceOf(job.spec().project());
    }

    private static long deadline(JobStatus job) {
        Long deadline = job.spec().deadlineMillis();
        return deadline == null ? Long.MAX_VALUE : deadline;
    }

    @Override
    public String explain(JobStatus job) {
        Long deadline = job.spec().deadlineMillis();
        return "importance=" + importance(job) + (job.spec().importance() == null ? " (project " + job.spec().project() + ")" : "")
                + " deadline=" + (deadline == null ? "none" : java.time.Instant.ofEpochMilli(deadline))
                + " submitted=" + java.time.Instant.ofEpochMilli(job.submitMillis());
    }
}
