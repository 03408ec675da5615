package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a planned task stands, in Landseer's four states: {@code PENDING -> RUNNING -> COMPLETED | FAILED}. */
public enum TaskStatus {
    /** Waiting: for its dependencies, for its turn, or (held) for a failed dependency to be retried. */
    PENDING,
    /** Handed to an executor. */
    RUNNING,
    /** Finished successfully, or reused from an earlier pipeline's still-valid result. */
    COMPLETED,
    /** Failed after its retries, or (reason {@value OnFailure#DEPENDENCY_NEVER_SATISFIED}) because a dependency did. */
    FAILED;

    /** Landseer's status value: {@code pending}, {@code running}, {@code completed}, {@code failed}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Completed or failed: nothing more will happen to the task unless it is retried. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}
