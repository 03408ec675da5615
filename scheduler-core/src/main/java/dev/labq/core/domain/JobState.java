package dev.labq.core.domain;

/** Where a job is in its life. Terminal states never change again. */
public enum JobState {
    PENDING, HELD, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, REQUEUED;

    /** Ended: no attempt runs or will, unless a user requeues a job that ended unsuccessfully. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TIMEOUT;
    }
}
