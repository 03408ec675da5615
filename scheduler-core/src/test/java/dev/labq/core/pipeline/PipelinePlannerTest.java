package dev.labq.core.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.labq.core.pipeline.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelinePlannerTest {

    /** The seed's dedup example: A (tool_a, {param: 1}) shared by workflow_1 = [A, B] and workflow_2 = [A, C]. */
    static PipelineSpec seedDedupExample(DedupScope dedup) {
        return PipelineSpec.builder("test", null).dedup(dedup).landseerPolicy()
                .workflow("workflow_1", task("A", "tool_a", Map.of("param", 1)), task("B", "tool_b", Map.of("param", 2), "A"))
                .workflow("workflow_2", task("A", "tool_a", Map.of("param", 1)), task("C", "tool_c", Map.of("param", 3), "A"))
                .build();
    }

    @Test
    void identicalTasksInDifferentWorkflowsAreOnePlannedTask() {
        PipelinePlan plan = PipelinePlanner.plan(seedDedupExample(DedupScope.PIPELINE));
        assertEquals(3, plan.tasks().size());
        PlannedTask a = plan.tasks().get(0);
        assertEquals("task_1", a.id());
        assertEquals("A", a.name());
        assertEquals(2, a.usageCounter());
        assertEquals(List.of("workflow_1", "workflow_2"), a.workflows());
        assertEquals(0, a.dependencyLevel());
        assertEquals(-2, a.priority());
        assertEquals(List.of(0), plan.tasks().get(1).dependencies());
        assertEquals(List.of(0), plan.tasks().get(2).dependencies());
        assertEquals(999, plan.tasks().get(1).priority());
        assertEquals(List.of(new TaskUse("A", 0), new TaskUse("C", 2)), plan.workflows().get(1).uses());
        assertEquals(4, plan.taskUses());
        assertEquals(1, plan.usesSavedByDedup());
        assertTrue(plan.landseerPolicy());
    }

    @Test
    void dedupNoneKeepsEveryTaskItsOwn() {
        PipelinePlan plan = PipelinePlanner.plan(seedDedupExample(DedupScope.NONE));
        assertEquals(4, plan.tasks().size());
        assertEquals(plan.tasks().get(0).taskKey(), plan.tasks().get(2).taskKey(), "the identity is the same; only merging is off");
        assertEquals(1, plan.tasks().get(0).usageCounter());
        assertEquals(List.of(2), plan.tasks().get(3).dependencies(), "C depends on workflow_2's own A");
        assertEquals(0, plan.usesSavedByDedup());
    }

    @Test
    void dependentsOfDifferentTasksDifferEvenWithEqualToolAndConfig() {
        // B after A1 and B after A2 are different tasks when A1 and A2 differ: the key covers the upstream.
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .workflow("w1", task("A", "a", Map.of("v", 1)), task("B", "b", Map.of(), "A"))
                .workflow("w2", task("A", "a", Map.of("v", 2)), task("B", "b", Map.of(), "A"))
                .build());
        assertEquals(4, plan.tasks().size());
    }

    @Test
    void numbersTasksInFirstSeenOrderEvenWhenWrittenBeforeTheirDependencies() {
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .workflow("w", task("late", "t", "early"), task("early", "t"))
                .task(task("solo", "s"))
                .build());
        assertEquals(List.of("late", "early", "solo"), plan.tasks().stream().map(PlannedTask::name).toList());
        assertEquals(List.of(1), plan.tasks().get(0).dependencies());
        assertEquals(List.of("w", "tasks"), plan.workflows().stream().map(PlannedWorkflow::name).toList());
        assertEquals(List.of("tasks"), plan.tasks().get(2).workflows());
        assertArrayEquals(new int[]{0}, plan.dependents()[1]);
        assertArrayEquals(new int[0], plan.dependents()[0]);
    }

    @Test
    void impliedDependenciesCountTowardsTheLevelOnceEach() {
        TaskSpec prep = TaskSpec.builder("prep").run("prep").outputs("a.npz", "b.npz").build();
        TaskSpec other = TaskSpec.builder("other").run("other").build();
        TaskSpec train = TaskSpec.builder("train").run("train").after("prep", "other").inputs("a.npz", "b.npz", "external.csv").build();
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("p", null).task(prep, other, train).build());
        PlannedTask t = plan.tasks().get(2);
        assertEquals(List.of(0, 1), t.dependencies());
        assertEquals(2, t.dependencyLevel());
        assertEquals(1999, t.priority());
    }

    @Test
    void identicalTasksWithinOneWorkflowMergeToo() {
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .workflow("w", task("a1", "a"), TaskSpec.builder("a2").tool("a").run("run", "a1").build(),
                        task("b", "b", "a1", "a2"))
                .build());
        assertEquals(2, plan.tasks().size());
        assertEquals(List.of(new TaskUse("a1", 0), new TaskUse("a2", 0), new TaskUse("b", 1)), plan.workflows().get(0).uses());
        assertEquals(List.of(0, 1), plan.workflows().get(0).taskIndices());
        assertEquals(1, plan.tasks().get(0).usageCounter(), "distinct workflows, not uses");
        assertEquals(1, plan.tasks().get(1).dependencyLevel(), "a1 and a2 are one dependency");
    }

    @Test
    void listsStagesInFirstSeenOrder() {
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .task(TaskSpec.builder("t1").run("1").stage("train").build(), TaskSpec.builder("t0").run("0").stage("prep").build(),
                        TaskSpec.builder("t2").run("2").stage("train").build(), TaskSpec.builder("t3").run("3").build())
                .build());
        assertEquals(List.of(new PlannedStage("train", List.of(0, 2)), new PlannedStage("prep", List.of(1))), plan.stages());
    }

    @Test
    void refusesIdenticalTasksThatAskForDifferentRuns() {
        for (String field : List.of("resources", "time", "env", "retries", "backoff")) {
            TaskSpec.Builder second = TaskSpec.builder("a2").tool("a").run("run", "a");
            switch (field) {
                case "resources" -> second.resources(new Resources(8, 256, 0, null));
                case "time" -> second.timeLimitSeconds(60L);
                case "env" -> second.env(Map.of("X", "1"));
                case "backoff" -> second.retryPolicy(new dev.labq.core.domain.RetryPolicy(
                        dev.labq.core.domain.RetryPolicy.Backoff.parse("fixed:10s"), null));
                default -> second.retries(2);
            }
            PipelineSpec spec = PipelineSpec.builder("p", null).workflow("w1", task("a", "a")).task(second.build()).build();
            InvalidPipelineException e = assertThrows(InvalidPipelineException.class, () -> PipelinePlanner.plan(spec));
            assertEquals(field, e.field());
            assertEquals("tasks[0]." + field, e.path());
            assertTrue(e.getMessage().startsWith("task a2: invalid " + field + "="), e.getMessage());
            assertTrue(e.getMessage().contains("it is the same task as task a of workflow w1 (same tool, config, command and dependencies)"),
                    e.getMessage());
            // with dedup none they are two runs, each with its own settings
            assertEquals(2, PipelinePlanner.plan(PipelineSpec.builder("p", null).dedup(DedupScope.NONE)
                    .workflow("w1", task("a", "a")).task(second.build()).build()).tasks().size());
        }
        InvalidPipelineException topLevel = assertThrows(InvalidPipelineException.class, () -> PipelinePlanner.plan(
                PipelineSpec.builder("p", null).task(task("a", "a"), TaskSpec.builder("a2").tool("a").run("run", "a").retries(1).build()).build()));
        assertEquals("task a2: invalid retries=1: it is the same task as task a (same tool, config, command and dependencies), which "
                + "asks for retries=0; ask for the same, or make them different tasks (config), or use dedup: none", topLevel.getMessage());
        TaskSpec first = TaskSpec.builder("a").tool("a").run("run", "a").timeLimitSeconds(60L).build();
        InvalidPipelineException noTime = assertThrows(InvalidPipelineException.class, () -> PipelinePlanner.plan(
                PipelineSpec.builder("p", null).identity(TaskIdentity.CONFIG).task(first).workflow("w", task("b", "a")).build()));
        // workflows are planned before the top-level list, so w's b is the first use
        assertEquals("task a: invalid time=60: it is the same task as task b of workflow w (same tool, config and dependencies), "
                + "which asks for time=(none); ask for the same, or make them different tasks (config), or use dedup: none", noTime.getMessage());
    }

    @Test
    void projectScopeReusesStillValidEarlierResultsThroughTheHook() {
        PipelinePlan fresh = PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT));
        Map<String, String> earlier = Map.of(fresh.tasks().get(0).taskKey(), "job-17");
        List<String> asked = new ArrayList<>();
        PipelinePlan plan = PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT), key -> {
            asked.add(key);
            return Optional.ofNullable(earlier.get(key));
        });
        assertEquals("job-17", plan.tasks().get(0).reusedFrom());
        assertTrue(plan.tasks().get(0).reused());
        assertNull(plan.tasks().get(1).reusedFrom());
        assertFalse(plan.tasks().get(1).reused());
        assertEquals(3, asked.size(), "once per unique key");
        assertEquals(plan, PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT), PriorResults.of(earlier)));
        assertEquals(plan, PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT),
                PriorResults.from(k -> Optional.ofNullable(earlier.get(k)))));
        assertNull(PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT), k -> null).tasks().get(0).reusedFrom(),
                "a hook answering null means no result");
        // Other scopes never ask.
        PipelinePlan pipelineScope = PipelinePlanner.plan(seedDedupExample(DedupScope.PIPELINE), k -> {
            throw new AssertionError("asked " + k);
        });
        assertNull(pipelineScope.tasks().get(0).reusedFrom());
    }

    @Test
    void planningIsDeterministicAndPlansRoundTripThroughJson() throws Exception {
        PipelineSpec spec = PipelineFile.parse(PipelineFileTest.ISSUE_EXAMPLE, "defense.yaml");
        PipelinePlan plan = PipelinePlanner.plan(spec);
        assertEquals(plan, PipelinePlanner.plan(PipelineFile.parse(PipelineFileTest.ISSUE_EXAMPLE, "defense.yaml")));
        ObjectMapper json = new ObjectMapper();
        String specJson = json.writeValueAsString(spec);
        assertEquals(spec, json.readValue(specJson, PipelineSpec.class));
        String planJson = json.writeValueAsString(plan);
        assertEquals(plan, json.readValue(planJson, PipelinePlan.class));
        assertTrue(planJson.contains("\"dedup\":\"pipeline\""), planJson);
        assertTrue(planJson.contains("\"onFailure\":\"fail\""), planJson);
        assertFalse(planJson.contains("reusedFrom"), "nulls are left out");
        PipelinePlan withReuse = PipelinePlanner.plan(seedDedupExample(DedupScope.PROJECT),
                PriorResults.of(Map.of(PipelinePlanner.plan(seedDedupExample(DedupScope.NONE)).tasks().get(0).taskKey(), "j1")));
        assertEquals(withReuse, json.readValue(json.writeValueAsString(withReuse), PipelinePlan.class));
        PlannedTask noEnv = json.readValue("{\"index\":0,\"taskKey\":\"k\",\"name\":\"a\",\"tool\":\"a\",\"argv\":[\"a\"],"
                + "\"dependencies\":[],\"workflows\":[\"w\"],\"usageCounter\":1,\"priority\":-1}", PlannedTask.class);
        assertEquals(Map.of(), noEnv.env());
        assertEquals(Map.of(), noEnv.config());
    }

    @Test
    void givesEachTaskItsJobSpec() {
        PipelinePlan plan = PipelinePlanner.plan(PipelineFile.parse(PipelineFileTest.ISSUE_EXAMPLE, "defense.yaml"));
        JobSpec outlier = plan.jobSpec(0, "elisa", List.of());
        assertEquals(List.of("python", "main.py"), outlier.argv());
        assertFalse(outlier.shell());
        assertEquals("research", outlier.project());
        assertEquals("outlier", outlier.name());
        assertEquals(new Resources(2, 4096, 1, null), outlier.resources());
        JobSpec adv = plan.jobSpec(1, "elisa", List.of(new JobId(7)));
        assertEquals(List.of("python train.py --epsilon 0.3"), adv.argv());
        assertTrue(adv.shell());
        assertEquals(List.of(new JobId(7)), adv.afterOk());
    }

    @Test
    void findsTasksByStableId() {
        PipelinePlan plan = PipelinePlanner.plan(seedDedupExample(DedupScope.PIPELINE));
        assertEquals("B", plan.task("task_2").name());
        for (String bad : new String[]{"task_0", "task_4", "task_01", "task_", "task_x", "job_1", null, "task_99999999999"}) {
            assertEquals(-1, plan.indexOf(bad), String.valueOf(bad));
        }
        assertEquals("no task task_9 in pipeline test (ids are task_1 to task_3)",
                assertThrows(IllegalArgumentException.class, () -> plan.task("task_9")).getMessage());
        List<PlannedTask> shuffled = new ArrayList<>(plan.tasks());
        java.util.Collections.swap(shuffled, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> new PipelinePlan("p", null, DedupScope.PIPELINE, null, OnFailure.FAIL,
                null, TaskIdentity.COMMAND, shuffled, plan.workflows(), plan.stages(), null));
    }

    @Test
    void reportsProgressPerStageAndWorkflow() {
        PipelinePlan plan = PipelinePlanner.plan(seedDedupExample(DedupScope.PIPELINE));
        Map<Integer, TaskStatus> status = new HashMap<>(Map.of(0, TaskStatus.COMPLETED, 1, TaskStatus.RUNNING, 2, TaskStatus.FAILED));
        PipelineProgress p = plan.progress(status::get);
        assertEquals(new Progress(3, 0, 1, 1, 1), p.total());
        assertEquals(new Progress(2, 0, 1, 1, 0), p.byWorkflow().get("workflow_1"));
        assertEquals(new Progress(2, 0, 0, 1, 1), p.byWorkflow().get("workflow_2"));
        assertTrue(p.byWorkflow().get("workflow_2").finished());
        assertFalse(p.total().finished());
        assertEquals(Map.of(), p.byStage());
    }
}
