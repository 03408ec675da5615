package dev.labq.cli;

import dev.labq.core.LabqException;

/** The exit codes of every labq command; {@link LabqCommand}'s help prints them with their meaning. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int INVALID_INPUT = 3;
    public static final int UNKNOWN_JOB = 4;
    public static final int ILLEGAL_STATE = 5;
    public static final int ALREADY_RUNNING = 6;
    public static final int STORAGE = 7;
    public static final int VERIFY_FAILED = 8;

    private ExitCodes() {
    }

    public static int of(LabqException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> INVALID_INPUT;
            case UNKNOWN_JOB -> UNKNOWN_JOB;
            case ILLEGAL_STATE -> ILLEGAL_STATE;
            case ALREADY_RUNNING -> ALREADY_RUNNING;
            case STORAGE -> STORAGE;
            case VERIFY_FAILED -> VERIFY_FAILED;
        };
    }
}
