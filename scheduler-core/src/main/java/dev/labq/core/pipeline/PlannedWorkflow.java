package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;

/**
 * One workflow of a {@link PipelinePlan}: its tasks in written order, each mapped to the planned task that runs
 * it. Two uses may map to one planned task when they are identical.
 */
public record PlannedWorkflow(String name, List<TaskUse> uses) {
    public PlannedWorkflow {
        uses = List.copyOf(uses);
    }

    /** The planned tasks it uses, each once, in written order. */
    @JsonIgnore
    public List<Integer> taskIndices() {
        return uses.stream().map(TaskUse::task).distinct().toList();
    }
}
