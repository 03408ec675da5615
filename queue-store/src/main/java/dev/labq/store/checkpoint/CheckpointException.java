package dev.labq.store.checkpoint;

import dev.labq.store.StoreException;

/** A checkpoint operation refused or failed; {@link #problem()} says whose fault, so callers can map it to an exit code. */
public final class CheckpointException extends StoreException {
    /** Why it failed. */
    public enum Problem {
        /** The staging directory cannot be committed as it is (empty, a symlink out of it, a file changing). */
        INVALID_STAGING,
        /** No such checkpoint. */
        UNKNOWN_CHECKPOINT,
        /** Reading or writing the store failed (a full disk, permissions). */
        STORAGE
    }

    private final Problem problem;

    public CheckpointException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public CheckpointException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
