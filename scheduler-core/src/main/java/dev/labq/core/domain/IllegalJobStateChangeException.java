package dev.labq.core.domain;

import dev.labq.core.LabqException;

/** A state change that {@link AllowedTransitions} does not allow. */
public final class IllegalJobStateChangeException extends LabqException {
    private final JobId job;
    private final JobState from;
    private final JobState to;

    public IllegalJobStateChangeException(JobId job, JobState from, JobState to) {
        super(Kind.ILLEGAL_STATE, "job=" + job + " is " + from + " and cannot become " + to
                + "; see `labq stat " + job + "` for its state");
        this.job = job;
        this.from = from;
        this.to = to;
    }

    public JobId job() { return job; }
    public JobState from() { return from; }
    public JobState to() { return to; }
}
