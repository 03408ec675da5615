package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What happens to the tasks downstream of a task that failed after its retries: the pipeline's {@code onFailure:} key. */
public enum OnFailure {
    /**
     * They fail too, with the reason {@value #DEPENDENCY_NEVER_SATISFIED} (Slurm's word for it), so the pipeline
     * finishes; the default.
     */
    FAIL,
    /**
     * They stay pending, with the reason {@value #DEPENDENCY_FAILED}, until the failed task is requeued
     * ({@code labq requeue ID}, {@code labq pipeline retry ID}) and completes (Landseer's behaviour).
     */
    HOLD;

    /** The reason a downstream task failed under {@link #FAIL}. */
    public static final String DEPENDENCY_NEVER_SATISFIED = "DependencyNeverSatisfied";
    /** The reason a downstream task waits under {@link #HOLD}. */
    public static final String DEPENDENCY_FAILED = "DependencyFailed";

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The behaviour named {@code text}; {@link InvalidPipelineException} at {@code onFailure} otherwise. */
    @JsonCreator
    public static OnFailure of(String text) {
        for (OnFailure f : values()) {
            if (f.wireName().equals(text)) {
                return f;
            }
        }
        throw new InvalidPipelineException("onFailure", "", "onFailure", text,
                "use fail (downstream tasks fail with " + DEPENDENCY_NEVER_SATISFIED + ") or hold (they wait)");
    }
}
