package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A pipeline expanded: its unique tasks in first-seen order (dense indices, stable ids {@code task_1..task_n}),
 * each with its key, dependencies, workflows, Landseer counters and what its job runs; the workflows as lists of
 * task uses; the stages as lists of tasks. A pure function of the {@link PipelineSpec} (and, under dedup
 * {@code project}, of the {@link PriorResults} answers): planning the same spec twice gives equal plans.
 * Made by {@link PipelinePlanner}; immutable, and plain records, lists and maps for JSON.
 *
 * @param workdir where its tasks run and their relative outputs are: absolute, set by the submitter with
 *                {@link #inDirectory} (the CLI gives its working directory, as {@code labq submit} does); null runs
 *                them in the scheduler's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelinePlan(String name, String project, DedupScope dedup, String policy, OnFailure onFailure,
                           String deadline, TaskIdentity identity, List<PlannedTask> tasks,
                           List<PlannedWorkflow> workflows, List<PlannedStage> stages, String workdir) {

    public PipelinePlan {
        tasks = List.copyOf(tasks);
        workflows = List.copyOf(workflows);
        stages = List.copyOf(stages);
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).index() != i) {
                throw new IllegalArgumentException("task at position " + i + " has index " + tasks.get(i).index()
                        + "; a plan's indices are dense and in order");
            }
        }
    }

    /** The same plan, its tasks run in {@code directory}. */
    public PipelinePlan inDirectory(String directory) {
        return new PipelinePlan(name, project, dedup, policy, onFailure, deadline, identity, tasks, workflows, stages,
                directory);
    }

    /** The position of {@code taskId} ({@code task_1} is 0), or -1 when the plan has no such task. */
    public int indexOf(String taskId) {
        if (taskId == null || !taskId.startsWith("task_")) {
            return -1;
        }
        String digits = taskId.substring(5);
        if (digits.isEmpty() || digits.length() > 9 || digits.startsWith("0") || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int index = Integer.parseInt(digits) - 1;
        return index < tasks.size() ? index : -1;
    }

    /** The task {@code taskId} names; {@link IllegalArgumentException} when none does. */
    public PlannedTask task(String taskId) {
        int index = indexOf(taskId);
        if (index < 0) {
            throw new IllegalArgumentException("no task " + taskId + " in pipeline " + name + " (ids are task_1 to task_"
                    + tasks.size() + ")");
        }
        return tasks.get(index);
    }

    /** How many task uses the workflows make in all (Landseer's tasks before dedup). */
    @JsonIgnore
    public int taskUses() {
        return workflows.stream().mapToInt(w -> w.uses().size()).sum();
    }

    /** How many runs deduplication saves: task uses less unique tasks. */
    @JsonIgnore
    public int usesSavedByDedup() {
        return taskUses() - tasks.size();
    }

    /** Whether the pipeline asks for Landseer's ordering of its ready tasks ({@code policy: landseer}). */
    @JsonIgnore
    public boolean landseerPolicy() {
        return PipelineSpec.POLICY_LANDSEER.equals(policy);
    }

    /** For every task, the indices of the tasks that depend on it directly, ascending. */
    public int[][] dependents() {
        List<List<Integer>> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            out.add(new ArrayList<>());
        }
        for (PlannedTask t : tasks) {
            for (int d : t.dependencies()) {
                out.get(d).add(t.index());
            }
        }
        return out.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /** Progress in all, per stage and per workflow, given each task's status (by index). */
    public PipelineProgress progress(IntFunction<TaskStatus> statusOf) {
        Map<String, Progress> byStage = new LinkedHashMap<>();
        for (PlannedStage s : stages) {
            byStage.put(s.name(), Progress.of(s.tasks(), statusOf));
        }
        Map<String, Progress> byWorkflow = new LinkedHashMap<>();
        for (PlannedWorkflow w : workflows) {
            byWorkflow.put(w.name(), Progress.of(w.taskIndices(), statusOf));
        }
        List<Integer> all = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            all.add(i);
        }
        return new PipelineProgress(Progress.of(all, statusOf), byStage, byWorkflow);
    }

    /** The job of task {@code index}, charged to this pipeline's project; see {@link PlannedTask#jobSpec}. */
    public JobSpec jobSpec(int index, String user, List<JobId> afterOk) {
        return tasks.get(index).jobSpec(project, user, workdir, afterOk);
    }
}
