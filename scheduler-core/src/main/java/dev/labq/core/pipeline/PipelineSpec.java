package dev.labq.core.pipeline;

import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.TimeSpecs;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pipeline as its author wrote it, in a file ({@link PipelineFile}), with {@link #builder}, or imported from a
 * Landseer configuration ({@link LandseerConfig}). An instance that exists is valid: the constructor checks every
 * task, every workflow's graph (names, {@code after}, outputs, cycles) and the pipeline's own keys, and throws
 * {@link InvalidPipelineException} naming the key path, workflow and task. {@link PipelinePlanner} expands it.
 *
 * @param name      the pipeline's name ({@code pipeline:} in a file)
 * @param project   the project charged, or {@code null} for the home's default project
 * @param dedup     where identical tasks run once; {@link DedupScope#PIPELINE} when not given
 * @param policy    {@value #POLICY_LANDSEER} to order this pipeline's ready tasks by Landseer's formula, or {@code null}
 * @param onFailure what a failed task does to its downstream; {@link OnFailure#FAIL} when not given
 * @param deadline  when the pipeline should be done, as {@code TimeSpecs.parseDeadlineMillis} reads it
 *                  ({@code 2026-12-01T12:00}, {@code +2h}); kept as text, since a relative one counts from submission
 * @param identity  what task keys cover besides tool, config and dependencies; {@link TaskIdentity#COMMAND} when not given
 * @param workflows named groups of tasks
 * @param tasks     the top-level task list: a plain DAG, planned as a workflow named {@value #TOP_LEVEL_WORKFLOW}
 */
public record PipelineSpec(String name, String project, DedupScope dedup, String policy, OnFailure onFailure,
                           String deadline, TaskIdentity identity, List<WorkflowSpec> workflows, List<TaskSpec> tasks) {

    /** The one policy a pipeline may name. */
    public static final String POLICY_LANDSEER = "landseer";
    /** The name under which the top-level task list is planned and reported; no workflow may take it. */
    public static final String TOP_LEVEL_WORKFLOW = "tasks";

    public PipelineSpec {
        if (name == null || name.isBlank()) {
            throw new InvalidPipelineException("pipeline", "", "pipeline", name, "name the pipeline (pipeline: NAME)");
        }
        if (project != null && project.isBlank()) {
            throw new InvalidPipelineException("project", "", "project", project,
                    "name a configured project, or leave project out for the default");
        }
        dedup = dedup == null ? DedupScope.PIPELINE : dedup;
        onFailure = onFailure == null ? OnFailure.FAIL : onFailure;
        identity = identity == null ? TaskIdentity.COMMAND : identity;
        if (policy != null && !policy.equals(POLICY_LANDSEER)) {
            throw new InvalidPipelineException("policy", "", "policy", policy,
                    "use " + POLICY_LANDSEER + " (Landseer's dependency_level * 1000 - usage_counter), or leave policy out");
        }
        if (deadline != null) {
            try {
                TimeSpecs.parseDeadlineMillis(deadline, 0, ZoneOffset.UTC); // the form only; the value counts from submission
            } catch (InvalidInputException e) {
                throw InvalidPipelineException.of(e, "deadline", "", "");
            }
        }
        workflows = workflows == null ? List.of() : List.copyOf(workflows);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        if (workflows.isEmpty() && tasks.isEmpty()) {
            throw new InvalidPipelineException("tasks", "", "tasks", "(none)",
                    "give the pipeline at least one task, under workflows or tasks");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < workflows.size(); i++) {
            String w = workflows.get(i).name();
            if (w.equals(TOP_LEVEL_WORKFLOW)) {
                throw new InvalidPipelineException("workflows[" + i + "].name", "", "name", w,
                        "'" + TOP_LEVEL_WORKFLOW + "' names the top-level task list; call the workflow something else");
            }
            if (!names.add(w)) {
                throw new InvalidPipelineException("workflows[" + i + "].name", "", "name", w,
                        "workflow names are unique within the pipeline; rename one");
            }
        }
        for (int i = 0; i < workflows.size(); i++) {
            WorkflowGraph.of(workflows.get(i).tasks(), "workflows[" + i + "].tasks", "workflow " + workflows.get(i).name());
        }
        if (!tasks.isEmpty()) {
            WorkflowGraph.of(tasks, "tasks", "");
        }
    }

    /** The workflows in planning order: the named ones as written, then the top-level task list (if any). */
    public List<WorkflowSpec> allWorkflows() {
        if (tasks.isEmpty()) {
            return workflows;
        }
        List<WorkflowSpec> all = new ArrayList<>(workflows);
        all.add(new WorkflowSpec(TOP_LEVEL_WORKFLOW, tasks));
        return all;
    }

    /** The key path of workflow {@code index} of {@link #allWorkflows()}'s task list, as errors name it. */
    String taskListPath(int index) {
        return index < workflows.size() ? "workflows[" + index + "].tasks" : "tasks";
    }

    /** A builder for a pipeline called {@code name} in {@code project} ({@code null}: the default project). */
    public static Builder builder(String name, String project) {
        return new Builder(name, project);
    }

    /** Fluent construction, the Java equal of a pipeline file; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final String project;
        private DedupScope dedup;
        private String policy;
        private OnFailure onFailure;
        private String deadline;
        private TaskIdentity identity;
        private final List<WorkflowSpec> workflows = new ArrayList<>();
        private final List<TaskSpec> tasks = new ArrayList<>();

        private Builder(String name, String project) {
            this.name = name;
            this.project = project;
        }

        public Builder dedup(DedupScope value) { this.dedup = value; return this; }
        public Builder policy(String value) { this.policy = value; return this; }
        /** Orders this pipeline's ready tasks by Landseer's formula ({@code policy: landseer}). */
        public Builder landseerPolicy() { this.policy = POLICY_LANDSEER; return this; }
        public Builder onFailure(OnFailure value) { this.onFailure = value; return this; }
        public Builder deadline(String value) { this.deadline = value; return this; }
        public Builder identity(TaskIdentity value) { this.identity = value; return this; }

        /** Adds a workflow of {@code tasks}, in order. */
        public Builder workflow(String workflowName, TaskSpec... workflowTasks) {
            workflows.add(new WorkflowSpec(workflowName, List.of(workflowTasks)));
            return this;
        }

        public Builder workflow(WorkflowSpec workflow) {
            workflows.add(workflow);
            return this;
        }

        /** Adds tasks to the top-level task list. */
        public Builder task(TaskSpec... topLevel) {
            tasks.addAll(List.of(topLevel));
            return this;
        }

        public PipelineSpec build() {
            return new PipelineSpec(name, project, dedup, policy, onFailure, deadline, identity, workflows, tasks);
        }
    }
}
