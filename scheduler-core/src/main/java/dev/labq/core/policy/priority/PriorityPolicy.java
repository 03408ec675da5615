package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.state.JobStatus;

/**
 * Computes a pending job's {@link Priority}: a value and the named factors that add up to it. The decision
 * core orders ready jobs by it (higher first; then {@link Priority#tiebreak()}, submission time, id). It keys
 * each job by {@link #keyLine}, re-keys it when its line ends and whenever an input changes, and recomputes
 * the account part at every decision. Called on the decision thread; no I/O.
 *
 * <p>Factors marked {@link Priority.Factor#perAccount()} must depend only on the job's project and user and
 * the context: the core then updates them for all of that account's jobs at once.
 */
public interface PriorityPolicy {

    /** The name it is chosen by in {@code scheduler.policy}. */
    String name();

    /** Bumped when the formula changes, so every recorded start says which formula decided it. */
    int version();

    /** The priority with every factor and what it was computed from: for explanations and recorded starts. */
    Priority priority(JobStatus job, PolicyContext context);

    /**
     * The part of the priority that is the job's own (the factors not {@link Priority.Factor#perAccount()}),
     * computed without building the explanation: the ready index is keyed by it, and a full recompute calls it
     * for every pending job. {@code jobKey + accountKey} equals {@code priority(...).value()}.
     */
    default double jobKey(JobStatus job, PolicyContext context) {
        Priority p = priority(job, context);
        return p.value() - p.accountPart();
    }

    /**
     * How {@link #jobKey} moves with time from the context's instant on. The default, for a policy that says
     * nothing of it, holds the key constant until its next refresh ({@link KeyLine#nextRefresh}): within
     * {@code priority.recomputeSeconds}, like Slurm's {@code PriorityCalcPeriod}. A policy whose key does not
     * depend on time returns a constant valid forever; one with an age factor returns its rising line.
     */
    default KeyLine keyLine(JobStatus job, PolicyContext context) {
        return KeyLine.constant(jobKey(job, context), KeyLine.nextRefresh(job, context));
    }

    /**
     * The priority a start records: {@link #priority} without the text of the explanations, which a decision
     * does not need (it records names and contributions).
     */
    default Priority recordedPriority(JobStatus job, PolicyContext context) {
        return priority(job, context);
    }

    /** The part of the priority shared by all jobs of {@code project} and {@code user} (fair share); 0 for none. */
    default double accountKey(String project, String user, PolicyContext context) {
        return 0;
    }

    /** The secondary key of jobs of equal priority, lower first; see {@link Priority#tiebreak()}. */
    default long tiebreak(JobStatus job) {
        return 0;
    }

    /** {@code name@version}, as dispatches record it. */
    default String id() {
        return name() + "@" + version();
    }

    /** The policy {@code scheduler.policy} names. */
    static PriorityPolicy configured(LabqConfig config) {
        String name = config.scheduler().policy();
        return switch (name) {
            case LabqConfig.Settings.POLICY_IMPORTANCE_DEADLINE_AGE -> new ImportanceDeadlineAgePolicy();
            case LabqConfig.Settings.POLICY_MULTIFACTOR -> new MultifactorPolicy();
            default -> throw new IllegalArgumentException("no policy " + name); // the config validated the name
        };
    }
}
