package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Landseer's {@code get_task_priority_info(task_id)}: a task's priority and what it is made of.
 *
 * @param taskId          {@code task_N}
 * @param priority        {@code dependencyLevel * 1000 - usageCounter}
 * @param dependencyLevel the number of its direct dependencies
 * @param usageCounter    the number of workflows using it
 * @param status          where it stands now
 * @param dependencies    its direct dependencies' ids, ascending
 * @param workflows       the workflows using it, in first-use order
 * @param reason          why it is failed or waiting when that is not its own doing
 *                        ({@value OnFailure#DEPENDENCY_NEVER_SATISFIED}, {@value OnFailure#DEPENDENCY_FAILED}), else {@code null}
 * @param attempts        how many times it has been started (or reported finished without being handed out)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PriorityInfo(String taskId, int priority, int dependencyLevel, int usageCounter, TaskStatus status,
                           List<String> dependencies, List<String> workflows, String reason, int attempts) {
    public PriorityInfo {
        dependencies = List.copyOf(dependencies);
        workflows = List.copyOf(workflows);
    }
}
