package dev.labq.core.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Expands a {@link PipelineSpec} into its {@link PipelinePlan}: computes every task's {@link TaskKeys key}
 * (dependencies first), merges tasks with equal keys as the dedup scope says, and numbers the unique tasks in
 * first-seen order: workflows as written, then the top-level task list, each task list in written order.
 * Pure and deterministic; linear in the number of task uses (plus sorting each task's dependencies).
 *
 * <p>Merged tasks must agree on how they run: identical tasks (same key) that ask for different resources,
 * time limit, env or retries are refused, naming both; their names and stages may differ (the first use's are
 * kept). The counters follow Landseer: {@code usageCounter} is the number of distinct workflows using a task,
 * {@code dependencyLevel} the number of its distinct direct dependencies.
 */
public final class PipelinePlanner {
    private PipelinePlanner() {
    }

    /** The plan of {@code spec}, with no earlier results to reuse. */
    public static PipelinePlan plan(PipelineSpec spec) {
        return plan(spec, PriorResults.none());
    }

    /**
     * The plan of {@code spec}; under dedup {@code project}, {@code prior} is asked once per unique task key and
     * a task it knows is marked {@link PlannedTask#reusedFrom() reused}. Other scopes never ask it.
     */
    public static PipelinePlan plan(PipelineSpec spec, PriorResults prior) {
        List<WorkflowSpec> workflows = spec.allWorkflows();
        int count = workflows.size();
        WorkflowGraph[] graphs = new WorkflowGraph[count];
        String[][] keys = new String[count][];
        for (int w = 0; w < count; w++) {
            List<TaskSpec> tasks = workflows.get(w).tasks();
            graphs[w] = WorkflowGraph.of(tasks, spec.taskListPath(w), place(spec, w));
            keys[w] = new String[tasks.size()];
            for (int t : graphs[w].topologicalOrder) {
                List<String> dependencyKeys = new ArrayList<>(graphs[w].dependencies[t].length);
                for (int d : graphs[w].dependencies[t]) {
                    dependencyKeys.add(keys[w][d]);
                }
                keys[w][t] = TaskKeys.of(tasks.get(t), spec.identity(), dependencyKeys);
            }
        }

        boolean merge = spec.dedup() != DedupScope.NONE;
        Map<String, Integer> byKey = new HashMap<>();
        List<FirstUse> unique = new ArrayList<>();
        int[][] planned = new int[count][];
        for (int w = 0; w < count; w++) {
            List<TaskSpec> tasks = workflows.get(w).tasks();
            planned[w] = new int[tasks.size()];
            for (int t = 0; t < tasks.size(); t++) {
                Integer index = merge ? byKey.get(keys[w][t]) : null;
                if (index == null) {
                    index = unique.size();
                    unique.add(new FirstUse(w, t, keys[w][t]));
                    byKey.putIfAbsent(keys[w][t], index);
                } else {
                    FirstUse first = unique.get(index);
                    requireSameRun(spec, workflows, first, w, t);
                }
                unique.get(index).workflows.add(workflows.get(w).name());
                unique.get(index).outputs.addAll(tasks.get(t).outputs());
                planned[w][t] = index;
            }
        }

        List<PlannedTask> tasks = new ArrayList<>(unique.size());
        Map<String, List<Integer>> stages = new LinkedHashMap<>();
        for (int i = 0; i < unique.size(); i++) {
            FirstUse u = unique.get(i);
            TaskSpec spec0 = workflows.get(u.workflow).tasks().get(u.task);
            TreeSet<Integer> dependencies = new TreeSet<>();
            for (int d : graphs[u.workflow].dependencies[u.task]) {
                dependencies.add(planned[u.workflow][d]);
            }
            int level = dependencies.size();
            int counter = u.workflows.size();
            String reusedFrom = null;
            if (spec.dedup() == DedupScope.PROJECT) {
                Optional<String> earlier = prior.find(u.key);
                reusedFrom = Objects.requireNonNullElse(earlier, Optional.<String>empty()).orElse(null);
            }
            tasks.add(new PlannedTask(i, u.key, spec0.name(), spec0.tool(), spec0.stage(), spec0.config(), spec0.argv(),
                    spec0.usesShell(), spec0.resources(), spec0.timeLimitSeconds(), spec0.env(), spec0.retries(),
                    List.copyOf(dependencies), List.copyOf(u.workflows), counter, level,
                    LandseerPriorityPolicy.priority(level, counter), reusedFrom, List.copyOf(u.outputs), spec0.retryPolicy()));
            if (spec0.stage() != null) {
                stages.computeIfAbsent(spec0.stage(), s -> new ArrayList<>()).add(i);
            }
        }

        List<PlannedWorkflow> plannedWorkflows = new ArrayList<>(count);
        for (int w = 0; w < count; w++) {
            List<TaskSpec> specTasks = workflows.get(w).tasks();
            List<TaskUse> uses = new ArrayList<>(specTasks.size());
            for (int t = 0; t < specTasks.size(); t++) {
                uses.add(new TaskUse(specTasks.get(t).name(), planned[w][t]));
            }
            plannedWorkflows.add(new PlannedWorkflow(workflows.get(w).name(), uses));
        }
        List<PlannedStage> plannedStages = new ArrayList<>(stages.size());
        stages.forEach((name, members) -> plannedStages.add(new PlannedStage(name, members)));
        return new PipelinePlan(spec.name(), spec.project(), spec.dedup(), spec.policy(), spec.onFailure(),
                spec.deadline(), spec.identity(), tasks, plannedWorkflows, plannedStages, null);
    }

    /** Where a planned task was first seen, and the workflows that use it and the outputs they declare. */
    private static final class FirstUse {
        final int workflow;
        final int task;
        final String key;
        final LinkedHashSet<String> workflows = new LinkedHashSet<>();
        final LinkedHashSet<String> outputs = new LinkedHashSet<>();

        FirstUse(int workflow, int task, String key) {
            this.workflow = workflow;
            this.task = task;
            this.key = key;
        }
    }

    private static String place(PipelineSpec spec, int workflow) {
        return workflow < spec.workflows().size() ? "workflow " + spec.workflows().get(workflow).name() : "";
    }

    /** One run serves every use of a merged task, so they must ask for the same run. */
    private static void requireSameRun(PipelineSpec spec, List<WorkflowSpec> workflows, FirstUse first, int w, int t) {
        TaskSpec a = workflows.get(first.workflow).tasks().get(first.task);
        TaskSpec b = workflows.get(w).tasks().get(t);
        String field = !a.resources().equals(b.resources()) ? "resources"
                : !Objects.equals(a.timeLimitSeconds(), b.timeLimitSeconds()) ? "time"
                : !a.env().equals(b.env()) ? "env"
                : a.retries() != b.retries() ? "retries"
                : !Objects.equals(a.retryPolicy(), b.retryPolicy()) ? "backoff"
                : null;
        if (field == null) {
            return;
        }
        Object mine = switch (field) {
            case "resources" -> b.resources();
            case "time" -> b.timeLimitSeconds();
            case "env" -> b.env();
            case "backoff" -> b.retryPolicy();
            default -> b.retries();
        };
        Object theirs = switch (field) {
            case "resources" -> a.resources();
            case "time" -> a.timeLimitSeconds();
            case "env" -> a.env();
            case "backoff" -> a.retryPolicy();
            default -> a.retries();
        };
        String firstPlace = place(spec, first.workflow);
        String taskPlace = "task " + b.name();
        String workflowPlace = place(spec, w);
        throw new InvalidPipelineException(spec.taskListPath(w) + "[" + t + "]." + field,
                workflowPlace.isEmpty() ? taskPlace : workflowPlace + ", " + taskPlace, field, mine,
                "it is the same task as task " + a.name() + (firstPlace.isEmpty() ? "" : " of " + firstPlace)
                        + " (same tool, config" + (spec.identity() == TaskIdentity.COMMAND ? ", command" : "")
                        + " and dependencies), which asks for " + field + "=" + InvalidPipelineException.render(theirs)
                        + "; ask for the same, or make them different tasks (config), or use dedup: none");
    }
}
