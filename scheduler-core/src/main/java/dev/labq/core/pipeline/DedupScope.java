package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/** Where identical tasks (equal {@link TaskKeys task keys}) are run once: the pipeline's {@code dedup:} key. */
public enum DedupScope {
    /** Identical tasks in different workflows of one pipeline are one planned task (Landseer's scope); the default. */
    PIPELINE,
    /**
     * As {@link #PIPELINE}, and a task whose key an earlier pipeline of the project already ran, with a result
     * that is still valid, is not run again: the planner asks a {@link PriorResults} hook.
     */
    PROJECT,
    /** Every task of every workflow is its own planned task. */
    NONE;

    /** The name used in pipeline files and JSON: {@code pipeline}, {@code project}, {@code none}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code text}; {@link InvalidPipelineException} at {@code dedup} otherwise. */
    @JsonCreator
    public static DedupScope of(String text) {
        for (DedupScope s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        throw new InvalidPipelineException("dedup", "", "dedup", text, "use one of "
                + Arrays.stream(values()).map(DedupScope::wireName).toList()
                + " (pipeline: identical tasks of this pipeline run once; project: also reuse earlier pipelines' results;"
                + " none: never merge)");
    }
}
