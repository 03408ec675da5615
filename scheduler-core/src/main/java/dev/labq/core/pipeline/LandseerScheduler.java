package dev.labq.core.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Landseer's scheduler API over a {@link PipelinePlan}, for an embedded executor loop:
 *
 * <pre>{@code
 * LandseerScheduler scheduler = new LandseerScheduler(plan);
 * while (!scheduler.isComplete()) {
 *     Optional<PlannedTask> task = scheduler.nextTask();
 *     if (task.isEmpty()) {
 *         break; // nothing ready: the rest waits on running tasks (of other threads) or is held
 *     }
 *     boolean ok = run(task.get());
 *     scheduler.updateTaskStatus(task.get().id(), ok ? TaskStatus.COMPLETED : TaskStatus.FAILED);
 * }
 * }</pre>
 *
 * <p>Semantics, against Landseer's {@code PriorityScheduler}:
 * <ul>
 *   <li>{@link #nextTask()} hands out the ready task (pending, every dependency completed) with the lowest
 *       {@link LandseerPriorityPolicy priority}, ties to the lower plan index, and marks it running; empty when none is ready.</li>
 *   <li>{@link #updateTaskStatus} takes {@link TaskStatus#COMPLETED} or {@link TaskStatus#FAILED} for a pending or
 *       running task (as Landseer, a task need not have been handed out); anything else, or an unknown id, is an
 *       {@link IllegalArgumentException}. Repeating a task's final status is a no-op; changing it is an
 *       {@link IllegalStateException} (tasks downstream may already have used the result).</li>
 *   <li>Retries (labq's, not Landseer's): a task that fails with retries left goes back to pending.</li>
 *   <li>Failure: Landseer leaves the dependents of a failed task pending for ever, so its
 *       {@code is_complete()} never becomes true and its loop ends only on "no task ready". Here, under
 *       {@link OnFailure#FAIL} (the default) every task downstream of a failed task fails too, with the reason
 *       {@value OnFailure#DEPENDENCY_NEVER_SATISFIED}, so {@link #isComplete()} does become true. Under
 *       {@link OnFailure#HOLD} they stay pending (reason {@value OnFailure#DEPENDENCY_FAILED}) as in Landseer,
 *       until {@link #retry} re-queues the failed task.</li>
 *   <li>Tasks the plan marks {@link PlannedTask#reused() reused} (dedup {@code project}) start completed.</li>
 * </ul>
 *
 * <p>Assumptions and guarantees: any number of threads may call any method at once; every method holds one
 * lock for its whole duration, so each sees and leaves a consistent state, and a task is handed out by
 * {@link #nextTask()} to one caller only. Everything returned is immutable or a copy. No I/O, no clock.
 * {@code nextTask} and {@code updateTaskStatus} cost O(log n) plus the dependents they touch.
 */
public final class LandseerScheduler {
    private final PipelinePlan plan;
    private final Object lock = new Object();
    private final int[][] dependents;
    private final int[] topologicalOrder;
    private final TaskStatus[] status;
    private final String[] reason;
    private final int[] attempts;
    /** Per task: dependencies not yet completed. */
    private final int[] waitingOn;
    private final int[] counts = new int[TaskStatus.values().length];
    private final TreeSet<Integer> ready;

    public LandseerScheduler(PipelinePlan plan) {
        this.plan = plan;
        int n = plan.tasks().size();
        dependents = plan.dependents();
        topologicalOrder = topologicalOrder(plan, dependents);
        status = new TaskStatus[n];
        reason = new String[n];
        attempts = new int[n];
        waitingOn = new int[n];
        ready = new TreeSet<>(Comparator.<Integer>comparingInt(i -> plan.tasks().get(i).priority()).thenComparingInt(i -> i));
        for (int i = 0; i < n; i++) {
            status[i] = plan.tasks().get(i).reused() ? TaskStatus.COMPLETED : TaskStatus.PENDING;
            counts[status[i].ordinal()]++;
        }
        for (int i = 0; i < n; i++) {
            for (int d : plan.tasks().get(i).dependencies()) {
                if (status[d] != TaskStatus.COMPLETED) {
                    waitingOn[i]++;
                }
            }
            if (status[i] == TaskStatus.PENDING && waitingOn[i] == 0) {
                ready.add(i);
            }
        }
    }

    public PipelinePlan plan() {
        return plan;
    }

    /** The ready task that Landseer's order puts first, now marked running; empty when no task is ready. */
    public Optional<PlannedTask> nextTask() {
        synchronized (lock) {
            Integer next = ready.pollFirst();
            if (next == null) {
                return Optional.empty();
            }
            set(next, TaskStatus.RUNNING, null);
            attempts[next]++;
            return Optional.of(plan.tasks().get(next));
        }
    }

    /**
     * Records that {@code taskId} completed or failed.
     *
     * @throws IllegalArgumentException when {@code status} is neither COMPLETED nor FAILED, or no task has the id
     * @throws IllegalStateException    when the task already finished with the other status
     */
    public void updateTaskStatus(String taskId, TaskStatus newStatus) {
        if (newStatus != TaskStatus.COMPLETED && newStatus != TaskStatus.FAILED) {
            throw new IllegalArgumentException("invalid status update " + newStatus + " for " + taskId
                    + ": only COMPLETED or FAILED are reported (RUNNING is set by nextTask)");
        }
        synchronized (lock) {
            int i = index(taskId);
            if (status[i].finished()) {
                if (status[i] == newStatus && reason[i] == null) {
                    return; // a repeated report
                }
                throw new IllegalStateException(taskId + " is already " + status[i].wireName()
                        + (reason[i] == null ? "" : " (" + reason[i] + ")") + "; a finished task's outcome does not change"
                        + (status[i] == TaskStatus.FAILED && reason[i] == null ? " (retry it first)" : ""));
            }
            if (status[i] == TaskStatus.PENDING) {
                ready.remove(i);
                attempts[i]++; // it ran outside nextTask (Landseer allows that); it counts as a start
            }
            if (newStatus == TaskStatus.COMPLETED) {
                complete(i);
            } else if (attempts[i] <= plan.tasks().get(i).retries()) {
                set(i, TaskStatus.PENDING, null);
                if (waitingOn[i] == 0) {
                    ready.add(i);
                }
            } else {
                fail(i);
            }
        }
    }

    /**
     * Re-queues {@code taskId}, which failed by itself, with its retries afresh; under {@link OnFailure#FAIL} the
     * tasks failed only because of it are pending again.
     *
     * @throws IllegalArgumentException when no task has the id
     * @throws IllegalStateException    when the task has not failed, or failed because a dependency did (retry that one)
     */
    public void retry(String taskId) {
        synchronized (lock) {
            int i = index(taskId);
            if (status[i] != TaskStatus.FAILED || reason[i] != null) {
                throw new IllegalStateException("cannot retry " + taskId + ": it is " + status[i].wireName()
                        + (reason[i] == null ? "" : " (" + reason[i] + "; retry the failed task upstream)")
                        + "; only a task that failed itself is retried");
            }
            attempts[i] = 0;
            set(i, TaskStatus.PENDING, null);
            if (waitingOn[i] == 0) {
                ready.add(i);
            }
            // Dependencies first, so a task sees its dependencies' restored status.
            for (int t : topologicalOrder) {
                if (status[t] == TaskStatus.FAILED && OnFailure.DEPENDENCY_NEVER_SATISFIED.equals(reason[t])
                        && plan.tasks().get(t).dependencies().stream().noneMatch(d -> status[d] == TaskStatus.FAILED)) {
                    set(t, TaskStatus.PENDING, null); // not ready: the retried task upstream has not completed yet
                }
            }
        }
    }

    /** Every task completed or failed (see the class comment on how failure makes this true). */
    public boolean isComplete() {
        synchronized (lock) {
            return counts[TaskStatus.COMPLETED.ordinal()] + counts[TaskStatus.FAILED.ordinal()] == status.length;
        }
    }

    /** Landseer's {@code get_progress()}: total, pending, running, completed, failed. */
    public Progress progress() {
        synchronized (lock) {
            return new Progress(status.length, counts[TaskStatus.PENDING.ordinal()], counts[TaskStatus.RUNNING.ordinal()],
                    counts[TaskStatus.COMPLETED.ordinal()], counts[TaskStatus.FAILED.ordinal()]);
        }
    }

    /** Progress in all, per stage and per workflow, as one snapshot. */
    public PipelineProgress detailedProgress() {
        synchronized (lock) {
            TaskStatus[] snapshot = status.clone();
            return plan.progress(i -> snapshot[i]);
        }
    }

    /** Landseer's {@code get_ready_tasks_by_priority()}: every ready task, first to run first. */
    public List<PlannedTask> readyTasksByPriority() {
        synchronized (lock) {
            return ready.stream().map(plan.tasks()::get).toList();
        }
    }

    /** Landseer's {@code get_task_priority_info(task_id)}; {@link IllegalArgumentException} for an unknown id. */
    public PriorityInfo priorityInfo(String taskId) {
        synchronized (lock) {
            int i = index(taskId);
            PlannedTask t = plan.tasks().get(i);
            return new PriorityInfo(t.id(), t.priority(), t.dependencyLevel(), t.usageCounter(), status[i],
                    t.dependencies().stream().map(PlannedTask::idOf).toList(), t.workflows(), reasonOf(i), attempts[i]);
        }
    }

    /** Where {@code taskId} stands; {@link IllegalArgumentException} for an unknown id. */
    public TaskStatus status(String taskId) {
        synchronized (lock) {
            return status[index(taskId)];
        }
    }

    /**
     * Landseer's {@code get_priority_levels()}: tasks by dependency level (ascending), within a level by usage
     * counter, highest first (ties in plan order, as Python's stable sort).
     */
    public SortedMap<Integer, List<PlannedTask>> tasksByDependencyLevel() {
        TreeMap<Integer, List<PlannedTask>> levels = new TreeMap<>();
        for (PlannedTask t : plan.tasks()) { // in plan order, so the stable sort below keeps ties in it
            levels.computeIfAbsent(t.dependencyLevel(), l -> new ArrayList<>()).add(t);
        }
        levels.replaceAll((level, tasks) -> tasks.stream()
                .sorted(Comparator.comparingInt(PlannedTask::usageCounter).reversed()).toList());
        return Collections.unmodifiableSortedMap(levels);
    }

    private void complete(int i) {
        set(i, TaskStatus.COMPLETED, null);
        for (int d : dependents[i]) {
            if (--waitingOn[d] == 0 && status[d] == TaskStatus.PENDING) {
                ready.add(d);
            }
        }
    }

    private void fail(int i) {
        set(i, TaskStatus.FAILED, null);
        if (plan.onFailure() == OnFailure.HOLD) {
            return; // dependents wait, held; reasonOf() says why
        }
        Deque<Integer> downstream = new ArrayDeque<>();
        for (int d : dependents[i]) {
            downstream.add(d);
        }
        while (!downstream.isEmpty()) {
            int d = downstream.poll();
            if (status[d] == TaskStatus.PENDING) {
                ready.remove(d);
                set(d, TaskStatus.FAILED, OnFailure.DEPENDENCY_NEVER_SATISFIED);
                for (int next : dependents[d]) {
                    downstream.add(next);
                }
            }
        }
    }

    /** Why task {@code i} is failed or waiting by no fault of its own; {@code null} otherwise. */
    private String reasonOf(int i) {
        if (reason[i] != null) {
            return reason[i];
        }
        if (status[i] != TaskStatus.PENDING) {
            return null;
        }
        // Held (under HOLD): some task upstream failed. Walk up; a plan is acyclic, so this ends.
        Deque<Integer> up = new ArrayDeque<>(plan.tasks().get(i).dependencies());
        boolean[] seen = new boolean[status.length];
        while (!up.isEmpty()) {
            int d = up.poll();
            if (seen[d]) {
                continue;
            }
            seen[d] = true;
            if (status[d] == TaskStatus.FAILED) {
                return OnFailure.DEPENDENCY_FAILED;
            }
            up.addAll(plan.tasks().get(d).dependencies());
        }
        return null;
    }

    private void set(int i, TaskStatus to, String why) {
        counts[status[i].ordinal()]--;
        status[i] = to;
        reason[i] = why;
        counts[to.ordinal()]++;
    }

    private int index(String taskId) {
        int i = plan.indexOf(taskId);
        if (i < 0) {
            throw new IllegalArgumentException("task with id '" + taskId + "' not found in scheduler (ids are task_1 to task_"
                    + status.length + ")");
        }
        return i;
    }

    /** Kahn's order over the plan (dependencies first); a plan is acyclic because keys include dependency keys. */
    private static int[] topologicalOrder(PipelinePlan plan, int[][] dependents) {
        int n = plan.tasks().size();
        int[] remaining = new int[n];
        Deque<Integer> free = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            remaining[i] = plan.tasks().get(i).dependencies().size();
            if (remaining[i] == 0) {
                free.add(i);
            }
        }
        int[] order = new int[n];
        int k = 0;
        while (!free.isEmpty()) {
            int t = free.poll();
            order[k++] = t;
            for (int d : dependents[t]) {
                if (--remaining[d] == 0) {
                    free.add(d);
                }
            }
        }
        if (k != n) {
            throw new IllegalArgumentException("plan " + plan.name() + " has a dependency cycle; plans come from PipelinePlanner");
        }
        return order;
    }
}
