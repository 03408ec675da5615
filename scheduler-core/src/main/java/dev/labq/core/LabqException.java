package dev.labq.core;

/**
 * Root of every error labq reports to a user or an embedding program. Each subtype maps to one
 * documented exit code in the CLI; messages name the field or job, the value, and the fix.
 */
public class LabqException extends RuntimeException {
    private final Kind kind;

    public LabqException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LabqException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** What went wrong, coarsely; the CLI maps each to an exit code. */
    public enum Kind {
        /** A submission or command argument is invalid (field, value, fix in the message). */
        INVALID_INPUT,
        /** The job id names no job. */
        UNKNOWN_JOB,
        /** The job's state does not allow the requested change. */
        ILLEGAL_STATE,
        /** Another scheduler holds this home. */
        ALREADY_RUNNING,
        /** The home, journal or views cannot be read or written. */
        STORAGE,
        /** The journal and the views disagree. */
        VERIFY_FAILED
    }
}
