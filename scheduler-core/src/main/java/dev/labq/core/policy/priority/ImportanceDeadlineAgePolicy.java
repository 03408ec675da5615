package dev.labq.core.policy.priority;

import dev.labq.core.policy.PolicyContext;
import dev.labq.core.state.JobStatus;

import java.util.List;

/**
 * labq's first policy, kept as {@code importance-deadline-age}: higher importance first (the job's own, else
 * its project's), then the earlier deadline (jobs without one after those with one), then the older
 * submission, then the lower id. Lexicographic: the priority is the importance, the deadline the tiebreak.
 */
public final class ImportanceDeadlineAgePolicy implements PriorityPolicy {

    @Override
    public String name() {
        return "importance-deadline-age";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Priority priority(JobStatus job, PolicyContext context) {
        Integer own = job.spec().importance();
        return new Priority(jobKey(job, context), tiebreak(job), List.of(Priority.Factor.of("importance",
                jobKey(job, context), 1, own != null ? "the job's own" : "project " + job.spec().project())));
    }

    @Override
    public double jobKey(JobStatus job, PolicyContext context) {
        Integer own = job.spec().importance();
        return own != null ? own : context.projectImportance(job.spec().project());
    }

    /** Importance does not move with time. */
    @Override
    public KeyLine keyLine(JobStatus job, PolicyContext context) {
        return KeyLine.constant(jobKey(job, context), Long.MAX_VALUE);
    }

    @Override
    public long tiebreak(JobStatus job) {
        Long deadline = job.spec().deadlineMillis();
        return deadline == null ? Long.MAX_VALUE : deadline;
    }
}
