package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What a job is in the pipeline that submitted it: which pipeline, which planned task, and the task's
 * Landseer counters. Kept with the job (in its spec, so in the jobs view), so that a pipeline's progress is
 * read from its jobs alone.
 *
 * @param pipelineId      the pipeline's id: its first job's id
 * @param pipeline        the pipeline's name
 * @param task            the task's id within the pipeline ({@code task_1}, ...)
 * @param taskKey         the task's identity (tool, config, command, dependencies)
 * @param stage           its stage, or null
 * @param workflows       the workflows that use it
 * @param usageCounter    how many workflows use it
 * @param dependencyLevel how many tasks it depends on directly
 * @param rank            its Landseer priority when the pipeline is ordered by Landseer's policy (lower runs
 *                        first among the pipeline's otherwise equal jobs), else null
 * @param holdOnFailure   the pipeline's {@code onFailure: hold}: when a task it depends on fails, it waits
 *                        (reason {@code DependencyFailed}) for that task to be requeued and complete, instead of
 *                        being cancelled with {@code DependencyNeverSatisfied}
 * @param reuses          under {@code dedup: project}, the earlier job whose result this task reuses: the job
 *                        never runs, it completes when that one completes (at once when it has), and the
 *                        pipeline's tasks after it wait on it as on any task; null for a task that runs
 * @param outputs         the paths it declares it writes (relative ones to the job's working directory): under
 *                        {@code dedup: project} its result is reused only while they all exist
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineTask(long pipelineId, String pipeline, String task, String taskKey, String stage,
                           List<String> workflows, int usageCounter, int dependencyLevel, Integer rank,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean holdOnFailure, Long reuses,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> outputs) {
    public PipelineTask {
        workflows = workflows == null ? List.of() : List.copyOf(workflows);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** A task of a pipeline whose failures fail its downstream tasks (the default). */
    public PipelineTask(long pipelineId, String pipeline, String task, String taskKey, String stage,
                        List<String> workflows, int usageCounter, int dependencyLevel, Integer rank) {
        this(pipelineId, pipeline, task, taskKey, stage, workflows, usageCounter, dependencyLevel, rank, false, null, null);
    }

    /** Whether the job reuses an earlier job's result instead of running. */
    public boolean reusesResult() {
        return reuses != null;
    }
}
