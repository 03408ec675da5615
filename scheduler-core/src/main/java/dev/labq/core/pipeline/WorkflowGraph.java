package dev.labq.core.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dependency graph of one workflow (or of the top-level task list): explicit {@code after} plus implied
 * edges (an input that another task of the workflow writes), checked for duplicate names, unknown names,
 * outputs written twice and cycles, in that order; the first problem found is thrown.
 *
 * <p>Paths match after a light, file-system-free normalisation ({@code ./a//b/../c} is {@code a/c}).
 * Iterative throughout, so a chain of 100,000 tasks does not overflow the stack.
 */
final class WorkflowGraph {
    /** For every task (by position), its direct dependencies' positions: explicit first, in order, then implied. */
    final int[][] dependencies;
    /** Every position, each after all of its dependencies. */
    final int[] topologicalOrder;

    private WorkflowGraph(int[][] dependencies, int[] topologicalOrder) {
        this.dependencies = dependencies;
        this.topologicalOrder = topologicalOrder;
    }

    /**
     * @param tasks      the workflow's tasks
     * @param pathPrefix the key path of the workflow's task list ({@code workflows[0].tasks} or {@code tasks})
     * @param place      the workflow in words ({@code workflow combo-1}, or {@code ""} for the top-level list)
     */
    static WorkflowGraph of(List<TaskSpec> tasks, String pathPrefix, String place) {
        int n = tasks.size();
        String where = place.isEmpty() ? "the top-level task list" : place;
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer earlier = byName.putIfAbsent(tasks.get(i).name(), i);
            if (earlier != null) {
                throw error(tasks, pathPrefix, place, i, "name", "name", tasks.get(i).name(),
                        "task names are unique within " + where + " (also " + pathPrefix + "[" + earlier + "]); rename one");
            }
        }
        List<Set<Integer>> deps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Set<Integer> d = new LinkedHashSet<>();
            List<String> after = tasks.get(i).after();
            for (int k = 0; k < after.size(); k++) {
                Integer target = byName.get(after.get(k));
                if (target == null) {
                    throw error(tasks, pathPrefix, place, i, "after[" + k + "]", "after", after.get(k),
                            "name a task of " + where + ": " + someNames(tasks));
                }
                d.add(target);
            }
            deps.add(d);
        }
        Map<String, Integer> writer = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<String> outputs = tasks.get(i).outputs();
            for (int k = 0; k < outputs.size(); k++) {
                Integer other = writer.putIfAbsent(normalisePath(outputs.get(k)), i);
                if (other != null && other != i) {
                    throw error(tasks, pathPrefix, place, i, "outputs[" + k + "]", "outputs", outputs.get(k),
                            "task " + tasks.get(other).name() + " writes it too; give each output one writer");
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (String input : tasks.get(i).inputs()) {
                Integer producer = writer.get(normalisePath(input));
                if (producer != null && producer != i) { // reading one's own output is an update in place, not a loop
                    deps.get(i).add(producer);
                }
            }
        }
        int[][] edges = new int[n][];
        for (int i = 0; i < n; i++) {
            edges[i] = deps.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return new WorkflowGraph(edges, order(tasks, edges, pathPrefix, place));
    }

    /** Depth-first post-order (dependencies first); a dependency met again while still open closes a cycle. */
    private static int[] order(List<TaskSpec> tasks, int[][] edges, String pathPrefix, String place) {
        int n = edges.length;
        byte[] state = new byte[n]; // 0 unseen, 1 open (on the stack), 2 done
        int[] stack = new int[n];
        int[] next = new int[n];
        int[] positionOnStack = new int[n];
        int[] order = new int[n];
        int done = 0;
        for (int start = 0; start < n; start++) {
            if (state[start] != 0) {
                continue;
            }
            int top = 0;
            stack[0] = start;
            positionOnStack[start] = 0;
            state[start] = 1;
            while (top >= 0) {
                int task = stack[top];
                if (next[task] < edges[task].length) {
                    int dep = edges[task][next[task]++];
                    if (state[dep] == 1) {
                        throw cycle(tasks, stack, positionOnStack[dep], top, pathPrefix, place);
                    }
                    if (state[dep] == 0) {
                        state[dep] = 1;
                        stack[++top] = dep;
                        positionOnStack[dep] = top;
                    }
                } else {
                    state[task] = 2;
                    order[done++] = task;
                    top--;
                }
            }
        }
        return order;
    }

    /**
     * The cycle on the stack from {@code from} to {@code to}, printed in the order the tasks would run
     * ({@code x -> y}: y runs after x), from the task written first, back to it.
     */
    private static InvalidPipelineException cycle(List<TaskSpec> tasks, int[] stack, int from, int to,
                                                  String pathPrefix, String place) {
        // Up the stack each task is a dependency of the one below it, so the run order is top-down.
        List<Integer> runOrder = new ArrayList<>();
        for (int i = to; i >= from; i--) {
            runOrder.add(stack[i]);
        }
        int first = 0;
        for (int i = 1; i < runOrder.size(); i++) {
            if (runOrder.get(i) < runOrder.get(first)) {
                first = i;
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= runOrder.size(); i++) {
            names.add(tasks.get(runOrder.get((first + i) % runOrder.size())).name());
        }
        int at = runOrder.get(first);
        return error(tasks, pathPrefix, place, at, "after", "after", String.join(" -> ", names),
                names.size() == 2
                        ? "a task cannot run after itself; remove it from its own after"
                        : "the tasks form a cycle (x -> y: y runs after x, by after or by reading x's output); remove one of these dependencies");
    }

    private static InvalidPipelineException error(List<TaskSpec> tasks, String pathPrefix, String place, int task,
                                                  String key, String field, Object value, String fix) {
        String taskPlace = "task " + tasks.get(task).name();
        return new InvalidPipelineException(pathPrefix + "[" + task + "]." + key,
                place.isEmpty() ? taskPlace : place + ", " + taskPlace, field, value, fix);
    }

    /** Up to ten task names, for a fix that says what the choices are. */
    private static String someNames(List<TaskSpec> tasks) {
        String listed = tasks.stream().limit(10).map(TaskSpec::name).collect(Collectors.joining(", "));
        return tasks.size() > 10 ? listed + ", ... (" + tasks.size() + " tasks)" : listed;
    }

    /** {@code ./out//a/../b.npz} as {@code out/b.npz}: equal paths written differently still match. */
    static String normalisePath(String path) {
        String p = path.strip();
        boolean absolute = p.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/+")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
                parts.remove(parts.size() - 1);
            } else if (!(part.equals("..") && absolute)) {
                parts.add(part);
            }
        }
        return (absolute ? "/" : "") + String.join("/", parts);
    }
}
