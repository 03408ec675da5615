package dev.labq.core.pipeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.labq.core.pipeline.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LandseerSchedulerTest {

    /**
     * The seed's priority examples: A (no deps) in 5 workflows, B (no deps) in 2, C (after A) in 3, D (after A, C) in 1:
     * w1=[A], w2=[A,B], w3=[A,C], w4=[A,B,C], w5=[A,C,D].
     */
    static PipelineSpec seedPriorityExample(OnFailure onFailure) {
        TaskSpec a = task("A", "tool_a", Map.of("param", 1));
        TaskSpec b = task("B", "tool_b", Map.of("param", 2));
        TaskSpec c = task("C", "tool_c", Map.of("param", 3), "A");
        TaskSpec d = task("D", "tool_d", Map.of("param", 4), "A", "C");
        return PipelineSpec.builder("seed", null).landseerPolicy().onFailure(onFailure)
                .workflow("w1", a).workflow("w2", a, b).workflow("w3", a, c).workflow("w4", a, b, c).workflow("w5", a, c, d)
                .build();
    }

    private static LandseerScheduler scheduler(OnFailure onFailure) {
        return new LandseerScheduler(PipelinePlanner.plan(seedPriorityExample(onFailure)));
    }

    private static List<String> drain(LandseerScheduler s) {
        List<String> order = new ArrayList<>();
        while (!s.isComplete()) {
            Optional<PlannedTask> t = s.nextTask();
            if (t.isEmpty()) {
                break;
            }
            order.add(t.get().name());
            s.updateTaskStatus(t.get().id(), TaskStatus.COMPLETED);
        }
        return order;
    }

    @Test
    void givesTheSeedsPriorities() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        assertEquals(new PriorityInfo("task_1", -5, 0, 5, TaskStatus.PENDING, List.of(), List.of("w1", "w2", "w3", "w4", "w5"), null, 0),
                s.priorityInfo("task_1"));
        assertEquals(new PriorityInfo("task_2", -2, 0, 2, TaskStatus.PENDING, List.of(), List.of("w2", "w4"), null, 0),
                s.priorityInfo("task_2"));
        assertEquals(new PriorityInfo("task_3", 997, 1, 3, TaskStatus.PENDING, List.of("task_1"), List.of("w3", "w4", "w5"), null, 0),
                s.priorityInfo("task_3"));
        assertEquals(new PriorityInfo("task_4", 1999, 2, 1, TaskStatus.PENDING, List.of("task_1", "task_3"), List.of("w5"), null, 0),
                s.priorityInfo("task_4"));
        assertEquals(List.of("A", "B"), s.readyTasksByPriority().stream().map(PlannedTask::name).toList());
    }

    @Test
    void runsTheSeedsExampleInLandseersOrder() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        assertEquals(new Progress(4, 4, 0, 0, 0), s.progress());
        assertEquals(List.of("A", "B", "C", "D"), drain(s));
        assertTrue(s.isComplete());
        assertEquals(new Progress(4, 0, 0, 4, 0), s.progress());
        assertEquals(Optional.empty(), s.nextTask());
    }

    @Test
    void runsASharedTaskOnceBeforeItsDependents() {
        LandseerScheduler s = new LandseerScheduler(PipelinePlanner.plan(PipelinePlannerTest.seedDedupExample(DedupScope.PIPELINE)));
        PlannedTask a = s.nextTask().orElseThrow();
        assertEquals("A", a.name());
        assertEquals(2, s.priorityInfo(a.id()).usageCounter());
        assertEquals(TaskStatus.RUNNING, s.status(a.id()));
        assertEquals(Optional.empty(), s.nextTask(), "B and C wait for A; A is not handed out twice");
        assertEquals(new Progress(3, 2, 1, 0, 0), s.progress());
        s.updateTaskStatus(a.id(), TaskStatus.COMPLETED);
        assertEquals(List.of("B", "C"), s.readyTasksByPriority().stream().map(PlannedTask::name).toList());
        assertEquals(List.of("B", "C"), drain(s));
        assertEquals(1, s.priorityInfo(a.id()).attempts());
    }

    @Test
    void acceptsOnlyCompletedOrFailedForKnownTasks() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        assertEquals("invalid status update RUNNING for task_1: only COMPLETED or FAILED are reported (RUNNING is set by nextTask)",
                assertThrows(IllegalArgumentException.class, () -> s.updateTaskStatus("task_1", TaskStatus.RUNNING)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.updateTaskStatus("task_1", TaskStatus.PENDING));
        assertThrows(IllegalArgumentException.class, () -> s.updateTaskStatus("task_1", null));
        assertEquals("task with id 'task_9' not found in scheduler (ids are task_1 to task_4)",
                assertThrows(IllegalArgumentException.class, () -> s.updateTaskStatus("task_9", TaskStatus.COMPLETED)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.priorityInfo("A"));
        assertThrows(IllegalArgumentException.class, () -> s.status("task_0"));
        assertThrows(IllegalArgumentException.class, () -> s.retry("nope"));
    }

    @Test
    void repeatingAFinalStatusIsANoOpAndChangingItIsRefused() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        PlannedTask a = s.nextTask().orElseThrow();
        s.updateTaskStatus(a.id(), TaskStatus.COMPLETED);
        s.updateTaskStatus(a.id(), TaskStatus.COMPLETED);
        assertEquals(new Progress(4, 3, 0, 1, 0), s.progress());
        assertEquals("task_1 is already completed; a finished task's outcome does not change",
                assertThrows(IllegalStateException.class, () -> s.updateTaskStatus(a.id(), TaskStatus.FAILED)).getMessage());
        PlannedTask b = s.nextTask().orElseThrow();
        s.updateTaskStatus(b.id(), TaskStatus.FAILED);
        s.updateTaskStatus(b.id(), TaskStatus.FAILED);
        assertEquals("task_2 is already failed; a finished task's outcome does not change (retry it first)",
                assertThrows(IllegalStateException.class, () -> s.updateTaskStatus(b.id(), TaskStatus.COMPLETED)).getMessage());
    }

    @Test
    void failsEverythingDownstreamOfAFailureSoThePipelineCompletes() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        PlannedTask a = s.nextTask().orElseThrow();
        s.updateTaskStatus(a.id(), TaskStatus.FAILED);
        assertEquals(TaskStatus.FAILED, s.status("task_3"));
        assertEquals(OnFailure.DEPENDENCY_NEVER_SATISFIED, s.priorityInfo("task_3").reason());
        assertEquals(OnFailure.DEPENDENCY_NEVER_SATISFIED, s.priorityInfo("task_4").reason());
        assertNull(s.priorityInfo("task_1").reason(), "A failed by itself");
        assertEquals(TaskStatus.PENDING, s.status("task_2"), "B does not depend on A");
        assertFalse(s.isComplete());
        assertEquals(List.of("B"), drain(s));
        assertTrue(s.isComplete(), "unlike Landseer, whose dependents of a failed task stay pending");
        assertEquals(new Progress(4, 0, 0, 1, 3), s.progress());
        assertEquals("task_3 is already failed (DependencyNeverSatisfied); a finished task's outcome does not change",
                assertThrows(IllegalStateException.class, () -> s.updateTaskStatus("task_3", TaskStatus.FAILED)).getMessage());
    }

    @Test
    void holdsEverythingDownstreamOfAFailureUntilItIsRetried() {
        LandseerScheduler s = scheduler(OnFailure.HOLD);
        PlannedTask a = s.nextTask().orElseThrow();
        s.updateTaskStatus(a.id(), TaskStatus.FAILED);
        assertEquals(List.of("B"), drain(s));
        assertFalse(s.isComplete(), "as Landseer: held tasks keep the pipeline open");
        assertEquals(Optional.empty(), s.nextTask());
        assertEquals(TaskStatus.PENDING, s.status("task_4"));
        assertEquals(OnFailure.DEPENDENCY_FAILED, s.priorityInfo("task_3").reason());
        assertEquals(OnFailure.DEPENDENCY_FAILED, s.priorityInfo("task_4").reason(), "held through C as well");
        assertNull(s.priorityInfo("task_2").reason());
        s.retry(a.id());
        assertEquals(TaskStatus.PENDING, s.status(a.id()));
        assertNull(s.priorityInfo("task_4").reason());
        assertEquals(List.of("A", "C", "D"), drain(s));
        assertTrue(s.isComplete());
    }

    @Test
    void retryingRestoresTasksFailedOnlyBecauseOfIt() {
        // D depends on A and C; B and A both fail: retrying A restores C but not a task still blocked by B.
        TaskSpec a = task("A", "a");
        TaskSpec b = task("B", "b");
        TaskSpec c = task("C", "c", "A");
        TaskSpec d = task("D", "d", "C", "B");
        LandseerScheduler s = new LandseerScheduler(PipelinePlanner.plan(PipelineSpec.builder("p", null).task(a, b, c, d).build()));
        s.updateTaskStatus("task_1", TaskStatus.FAILED);
        s.updateTaskStatus("task_2", TaskStatus.FAILED);
        assertTrue(s.isComplete());
        assertEquals("cannot retry task_3: it is failed (DependencyNeverSatisfied; retry the failed task upstream); only a task that "
                + "failed itself is retried", assertThrows(IllegalStateException.class, () -> s.retry("task_3")).getMessage());
        s.retry("task_1");
        assertEquals(TaskStatus.PENDING, s.status("task_3"));
        assertEquals(TaskStatus.FAILED, s.status("task_4"), "still blocked by B");
        assertEquals(List.of("A", "C"), drain(s));
        s.retry("task_2");
        assertEquals(List.of("B", "D"), drain(s));
        assertEquals("cannot retry task_4: it is completed; only a task that failed itself is retried",
                assertThrows(IllegalStateException.class, () -> s.retry("task_4")).getMessage());
    }

    @Test
    void runsAFailedTaskAgainWhileItHasRetriesLeft() {
        TaskSpec flaky = TaskSpec.builder("flaky").run("flaky").retries(1).build();
        LandseerScheduler s = new LandseerScheduler(PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .task(flaky, task("next", "n", "flaky")).build()));
        PlannedTask first = s.nextTask().orElseThrow();
        s.updateTaskStatus(first.id(), TaskStatus.FAILED);
        assertEquals(TaskStatus.PENDING, s.status(first.id()));
        assertEquals(1, s.priorityInfo(first.id()).attempts());
        assertEquals(first, s.nextTask().orElseThrow());
        s.updateTaskStatus(first.id(), TaskStatus.FAILED);
        assertEquals(TaskStatus.FAILED, s.status(first.id()));
        assertEquals(2, s.priorityInfo(first.id()).attempts());
        assertTrue(s.isComplete());
        s.retry(first.id());
        assertEquals(0, s.priorityInfo(first.id()).attempts(), "a retry starts the count afresh");
        assertEquals(List.of("flaky", "next"), drain(s));
    }

    @Test
    void acceptsAnOutcomeForATaskItNeverHandedOut() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        s.updateTaskStatus("task_1", TaskStatus.COMPLETED);
        assertEquals(1, s.priorityInfo("task_1").attempts());
        assertEquals(List.of("B", "C"), s.readyTasksByPriority().stream().map(PlannedTask::name).toList());
        s.updateTaskStatus("task_4", TaskStatus.FAILED); // as Landseer allows, even with a dependency pending
        assertEquals(List.of("B", "C"), drain(s));
        assertTrue(s.isComplete());
    }

    @Test
    void startsReusedTasksCompleted() {
        PipelinePlan fresh = PipelinePlanner.plan(PipelinePlannerTest.seedDedupExample(DedupScope.PROJECT));
        PipelinePlan plan = PipelinePlanner.plan(PipelinePlannerTest.seedDedupExample(DedupScope.PROJECT),
                PriorResults.of(Map.of(fresh.tasks().get(0).taskKey(), "job-3")));
        LandseerScheduler s = new LandseerScheduler(plan);
        assertEquals(TaskStatus.COMPLETED, s.status("task_1"));
        assertEquals(List.of("B", "C"), drain(s));
        assertEquals(new Progress(3, 0, 0, 3, 0), s.progress());
        assertEquals(plan, s.plan());
    }

    @Test
    void groupsTasksByDependencyLevelMostUsedFirst() {
        LandseerScheduler s = scheduler(OnFailure.FAIL);
        SortedMap<Integer, List<PlannedTask>> levels = s.tasksByDependencyLevel();
        assertEquals(List.of(0, 1, 2), List.copyOf(levels.keySet()));
        assertEquals(List.of("A", "B"), levels.get(0).stream().map(PlannedTask::name).toList());
        assertEquals(List.of("C"), levels.get(1).stream().map(PlannedTask::name).toList());
        assertEquals(List.of("D"), levels.get(2).stream().map(PlannedTask::name).toList());
        // ties keep plan order; the lower counter goes last
        LandseerScheduler tie = new LandseerScheduler(PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .workflow("w1", task("x", "x"), task("y", "y"), task("z", "z")).workflow("w2", task("z", "z")).build()));
        assertEquals(List.of("z", "x", "y"), tie.tasksByDependencyLevel().get(0).stream().map(PlannedTask::name).toList());
    }

    @Test
    void reportsProgressPerStageAndWorkflow() {
        PipelinePlan plan = LandseerConfig.parse(Fixtures.resource("landseer/trades.yaml"), "trades.yaml").plan("trades", null, null);
        LandseerScheduler s = new LandseerScheduler(plan);
        PlannedTask first = s.nextTask().orElseThrow();
        s.updateTaskStatus(first.id(), TaskStatus.COMPLETED);
        s.nextTask().orElseThrow();
        PipelineProgress p = s.detailedProgress();
        assertEquals(new Progress(38, 36, 1, 1, 0), p.total());
        assertEquals(new Progress(2, 0, 1, 1, 0), p.byStage().get("pre_training"));
        assertEquals(new Progress(24, 24, 0, 0, 0), p.byStage().get("deployment"));
        assertEquals(new Progress(4, 3, 0, 1, 0), p.byWorkflow().get("comb_001"));
        assertEquals(new Progress(4, 3, 1, 0, 0), p.byWorkflow().get("comb_024"));
        assertEquals(24, p.byWorkflow().size());
    }

    @Test
    void runsLandseerConfigurationsInPriorityOrder() {
        // Cross-check with Landseer's loop: every task of a lower priority number runs first, ties in plan order.
        for (String file : List.of("trades.yaml", "teaching.yaml")) {
            PipelinePlan plan = LandseerConfig.parse(Fixtures.resource("landseer/" + file), file).plan(file, null, "echo {stage} {name}");
            List<String> expected = LandseerPriorityPolicy.order(plan.tasks()).stream().map(PlannedTask::id).toList();
            LandseerScheduler s = new LandseerScheduler(plan);
            List<String> ran = new ArrayList<>();
            while (!s.isComplete()) {
                PlannedTask t = s.nextTask().orElseThrow();
                ran.add(t.id());
                s.updateTaskStatus(t.id(), TaskStatus.COMPLETED);
            }
            assertEquals(expected, ran, file);
            assertEquals(38, ran.size());
        }
    }

    @Test
    void handsEachTaskToOneThreadOnlyAndOnlyOnceItsDependenciesCompleted() throws Exception {
        // A wide, deep plan: 40 workflows of 25-task chains sharing their first 5 tasks.
        PipelineSpec.Builder b = PipelineSpec.builder("p", null);
        for (int w = 0; w < 40; w++) {
            List<TaskSpec> chain = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String tool = i < 5 ? "shared" + i : "w" + w + "t" + i;
                chain.add(i == 0 ? task("t0", tool) : task("t" + i, tool, "t" + (i - 1)));
            }
            b.workflow(new WorkflowSpec("w" + w, chain));
        }
        PipelinePlan plan = PipelinePlanner.plan(b.build());
        assertEquals(5 + 40 * 20, plan.tasks().size());
        LandseerScheduler s = new LandseerScheduler(plan);
        Map<String, Integer> handedOut = new ConcurrentHashMap<>();
        Map<String, Boolean> completed = new ConcurrentHashMap<>();
        AtomicInteger early = new AtomicInteger();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                while (!s.isComplete()) {
                    Optional<PlannedTask> t = s.nextTask();
                    if (t.isEmpty()) {
                        Thread.yield();
                        continue;
                    }
                    handedOut.merge(t.get().id(), 1, Integer::sum);
                    for (int d : t.get().dependencies()) {
                        if (!completed.containsKey(PlannedTask.idOf(d))) {
                            early.incrementAndGet();
                        }
                    }
                    completed.put(t.get().id(), true);
                    s.updateTaskStatus(t.get().id(), TaskStatus.COMPLETED);
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(30_000);
            assertFalse(worker.isAlive(), "a worker is stuck");
        }
        assertEquals(plan.tasks().size(), handedOut.size());
        assertTrue(handedOut.values().stream().allMatch(n -> n == 1), "a task was handed out twice");
        assertEquals(0, early.get(), "a task was handed out before its dependencies completed");
        assertEquals(new Progress(plan.tasks().size(), 0, 0, plan.tasks().size(), 0), s.progress());
    }

    @Test
    void refusesAPlanWithACycle() {
        PlannedTask a = new PlannedTask(0, "k0", "a", "a", null, Map.of(), List.of("a"), false, dev.labq.core.domain.Resources.DEFAULT,
                null, Map.of(), 0, List.of(1), List.of("w"), 1, 1, 999, null, null);
        PlannedTask b = new PlannedTask(1, "k1", "b", "b", null, Map.of(), List.of("b"), false, dev.labq.core.domain.Resources.DEFAULT,
                null, Map.of(), 0, List.of(0), List.of("w"), 1, 1, 999, null, null);
        PipelinePlan handMade = new PipelinePlan("bad", null, DedupScope.PIPELINE, null, OnFailure.FAIL, null, TaskIdentity.COMMAND,
                List.of(a, b), List.of(), List.of(), null);
        assertEquals("plan bad has a dependency cycle; plans come from PipelinePlanner",
                assertThrows(IllegalArgumentException.class, () -> new LandseerScheduler(handMade)).getMessage());
    }
}
