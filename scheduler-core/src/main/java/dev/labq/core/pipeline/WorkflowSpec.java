package dev.labq.core.pipeline;

import java.util.List;

/**
 * A named group of tasks (one of Landseer's tool combinations): task names, {@code after} references and
 * input/output matching are all local to it. Its graph is checked by {@link PipelineSpec}.
 */
public record WorkflowSpec(String name, List<TaskSpec> tasks) {
    public WorkflowSpec {
        if (name == null || name.isBlank()) {
            throw new InvalidPipelineException("name", "", "name", name, "give every workflow a name");
        }
        if (tasks == null || tasks.isEmpty()) {
            throw new InvalidPipelineException("tasks", "workflow " + name, "tasks", "(none)",
                    "give the workflow at least one task, or remove it");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) == null) {
                throw new InvalidPipelineException("tasks[" + i + "]", "workflow " + name, "tasks", "null", "give a task");
            }
        }
        tasks = List.copyOf(tasks);
    }
}
