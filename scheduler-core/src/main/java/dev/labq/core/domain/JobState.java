package dev.labq.core.domain;

/** Where a job is in its life. Terminal states never change again. */
public enum JobState {
    PENDING, HELD, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, REQUEUED;

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TIMEOUT;
    }
}
