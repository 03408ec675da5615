package dev.labq.core.domain;

import dev.labq.core.LabqException;

/** A state change that {@link AllowedTransitions} does not allow. */
public final class IllegalJobStateChangeException extends LabqException {
    private final JobId job;
    private final JobState from;
    private final JobState to;

    public IllegalJobStateChangeException(JobId job, JobState from, JobState to) {
        this(job, job.toString(), from, to);
    }

    /** The same, naming the job as {@code name} (an array task as {@code ARRAY_TASK}). */
    public IllegalJobStateChangeException(JobId job, String name, JobState from, JobState to) {
        super(Kind.ILLEGAL_STATE, "job=" + name + " is " + from + " and cannot become " + to
                + "; see `labq stat " + name + "` for its state");
        this.job = job;
        this.from = from;
        this.to = to;
    }

    public JobId job() { return job; }
    public JobState from() { return from; }
    public JobState to() { return to; }
}
