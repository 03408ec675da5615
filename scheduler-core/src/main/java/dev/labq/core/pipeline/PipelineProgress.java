package dev.labq.core.pipeline;

import java.util.Map;

/**
 * A pipeline's progress as {@code labq pipeline stat} reports it: in all, per stage and per workflow (maps in
 * plan order). A task shared by workflows counts once in each of them, and once in {@code total}.
 */
public record PipelineProgress(Progress total, Map<String, Progress> byStage, Map<String, Progress> byWorkflow) {
    public PipelineProgress {
        byStage = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byStage));
        byWorkflow = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byWorkflow));
    }
}
