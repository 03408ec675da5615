package dev.labq.core.pipeline;

import java.util.List;

/** The planned tasks of one stage (the {@code stage:} of a task, or a Landseer stage), ascending by index. */
public record PlannedStage(String name, List<Integer> tasks) {
    public PlannedStage {
        tasks = List.copyOf(tasks);
    }
}
