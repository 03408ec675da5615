package dev.labq.core.pipeline;

import dev.labq.core.LabqException;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.labq.core.pipeline.Fixtures.task;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The checks every pipeline passes before it is accepted, through the builder API (no file, so no line). */
class PipelineValidationTest {

    private static InvalidPipelineException refusal(PipelineSpec.Builder builder) {
        return assertThrows(InvalidPipelineException.class, builder::build);
    }

    @Test
    void rejectsPipelineWithCyclePrintedInRunOrderFromTheTaskWrittenFirst() {
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", "research")
                .workflow("w", task("b", "t", "a"), task("c", "t", "b"), task("a", "t", "c"), task("d", "t")));
        assertEquals("workflow w, task b: invalid after=b -> c -> a -> b: the tasks form a cycle (x -> y: y runs after x, "
                + "by after or by reading x's output); remove one of these dependencies", e.getMessage());
        assertEquals("workflows[0].tasks[0].after", e.path());
        assertEquals(LabqException.Kind.INVALID_INPUT, e.kind());
    }

    @Test
    void rejectsSelfLoop() {
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).task(task("a", "t"), task("b", "t", "a", "b")));
        assertEquals("task b: invalid after=b -> b: a task cannot run after itself; remove it from its own after", e.getMessage());
        assertEquals("tasks[1].after", e.path());
    }

    @Test
    void rejectsCycleThroughImpliedInputOutputDependencies() {
        TaskSpec a = TaskSpec.builder("a").run("a").inputs("y.npz").outputs("x.npz").build();
        TaskSpec b = TaskSpec.builder("b").run("b").inputs("./x.npz").outputs("out//../y.npz").build();
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).workflow("w", a, b));
        assertEquals("a -> b -> a", e.value());
    }

    @Test
    void findsTheCycleBehindAnAcyclicPrefix() {
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).task(
                task("root", "t"), task("x", "t", "root", "z"), task("y", "t", "x"), task("z", "t", "y"), task("leaf", "t", "z")));
        assertEquals("x -> y -> z -> x", e.value());
    }

    @Test
    void readingItsOwnOutputIsAnUpdateInPlaceNotALoop() {
        TaskSpec a = TaskSpec.builder("a").run("a").inputs("model.pt").outputs("model.pt").build();
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).task(a).build());
    }

    @Test
    void rejectsUnknownAfterNamesListingTheChoices() {
        List<TaskSpec> many = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            many.add(task("t" + i, "t"));
        }
        many.add(task("x", "t", "t1", "missing"));
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null)
                .workflow(new WorkflowSpec("w", many)));
        assertEquals("workflow w, task x: invalid after=missing: name a task of workflow w: t0, t1, t2, t3, t4, t5, t6, t7, "
                + "t8, t9, ... (12 tasks)", e.getMessage());
        assertEquals("workflows[0].tasks[11].after[1]", e.path());
    }

    @Test
    void afterNamesOnlyTasksOfTheSameWorkflow() {
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null)
                .workflow("w1", task("a", "t"))
                .workflow("w2", task("b", "t", "a")));
        assertEquals("workflow w2, task b: invalid after=a: name a task of workflow w2: b", e.getMessage());
    }

    @Test
    void rejectsDuplicateTaskNamesWithinAWorkflowButNotAcrossWorkflows() {
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).workflow("w", task("a", "t"), task("a", "u")));
        assertEquals("workflow w, task a: invalid name=a: task names are unique within workflow w (also "
                + "workflows[0].tasks[0]); rename one", e.getMessage());
        InvalidPipelineException top = refusal(PipelineSpec.builder("p", null).task(task("a", "t"), task("a", "u")));
        assertEquals("task a: invalid name=a: task names are unique within the top-level task list (also tasks[0]); rename one",
                top.getMessage());
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).workflow("w1", task("a", "t")).workflow("w2", task("a", "t"))
                .task(task("a", "t")).build());
    }

    @Test
    void rejectsAnOutputWrittenByTwoTasksOfOneWorkflow() {
        TaskSpec a = TaskSpec.builder("a").run("a").outputs("out/x.npz").build();
        TaskSpec b = TaskSpec.builder("b").run("b").outputs("y", "./out/x.npz").build();
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).workflow("w", a, b));
        assertEquals("workflow w, task b: invalid outputs=./out/x.npz: task a writes it too; give each output one writer",
                e.getMessage());
        assertEquals("workflows[0].tasks[1].outputs[1]", e.path());
        // in different workflows each writes its own copy: allowed
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).workflow("w1", a).workflow("w2", b).build());
        // one task naming an output twice is harmless
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).task(
                TaskSpec.builder("c").run("c").outputs("z", "z").build()).build());
    }

    @Test
    void rejectsDuplicateAndReservedWorkflowNames() {
        assertEquals("invalid name=w: workflow names are unique within the pipeline; rename one",
                refusal(PipelineSpec.builder("p", null).workflow("w", task("a", "t")).workflow("w", task("b", "t"))).getMessage());
        assertEquals("invalid name=tasks: 'tasks' names the top-level task list; call the workflow something else",
                refusal(PipelineSpec.builder("p", null).workflow("tasks", task("a", "t"))).getMessage());
    }

    @Test
    void rejectsPipelineLevelProblems() {
        assertEquals("invalid pipeline=(none): name the pipeline (pipeline: NAME)",
                refusal(PipelineSpec.builder(null, null).task(task("a", "t"))).getMessage());
        assertEquals("invalid project='': name a configured project, or leave project out for the default",
                refusal(PipelineSpec.builder("p", "").task(task("a", "t"))).getMessage());
        assertEquals("invalid tasks=(none): give the pipeline at least one task, under workflows or tasks",
                refusal(PipelineSpec.builder("p", null)).getMessage());
        assertEquals("invalid policy=fair: use landseer (Landseer's dependency_level * 1000 - usage_counter), or leave policy out",
                refusal(PipelineSpec.builder("p", null).policy("fair").task(task("a", "t"))).getMessage());
        assertEquals("invalid deadline=someday: use 2026-12-01T12:00, 2026-12-01T12:00:00Z or +2h",
                refusal(PipelineSpec.builder("p", null).deadline("someday").task(task("a", "t"))).getMessage());
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).deadline("+2h").task(task("a", "t")).build());
        InvalidPipelineException empty = assertThrows(InvalidPipelineException.class, () -> new WorkflowSpec("w", List.of()));
        assertEquals("workflow w: invalid tasks=(none): give the workflow at least one task, or remove it", empty.getMessage());
        assertEquals("invalid name=' ': give every workflow a name",
                assertThrows(InvalidPipelineException.class, () -> new WorkflowSpec(" ", List.of(task("a", "t")))).getMessage());
        List<TaskSpec> withNull = new ArrayList<>();
        withNull.add(null);
        assertEquals("workflow w: invalid tasks=null: give a task",
                assertThrows(InvalidPipelineException.class, () -> new WorkflowSpec("w", withNull)).getMessage());
    }

    @Test
    void rejectsTasksWithBothRunAndShellOrNeither() {
        assertEquals("task t: invalid shell=echo: give either run (an argv list) or shell (a command line), not both",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").shell("echo").build()).getMessage());
        assertEquals("task t: invalid run=(none): give run: [program, arguments...] or shell: \"a command line\"",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").build()).getMessage());
        assertEquals("task t: invalid run=(none): give run: [program, arguments...] or shell: \"a command line\"",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run(List.of()).build()).getMessage());
        assertEquals("task t: invalid run=[' ', x]: the first element is the program to run",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run(" ", "x").build()).getMessage());
        assertEquals("task t: invalid shell=' ': give the command line to run",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").shell(" ").build()).getMessage());
    }

    @Test
    void rejectsBadTaskFields() {
        assertEquals("invalid name=(none): give every task a name",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder(null).run("x").build()).getMessage());
        assertEquals("task t: invalid tool=' ': name the tool, or leave tool out to use the task's name",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").tool(" ").run("x").build()).getMessage());
        assertEquals("task t: invalid time=-5: give a positive limit: seconds, or H:M:S such as 1:00:00",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").timeLimitSeconds(-5L).build()).getMessage());
        assertEquals("task t: invalid time=1:2:3:4: use minutes, M:S, H:M:S or D-H:M:S, for example 30 or 1:30:00",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").time("1:2:3:4")).getMessage());
        assertEquals("task t: invalid after=' ': name a task",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").after(" ").build()).getMessage());
        assertEquals("task t: invalid outputs='': give a path",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").outputs("").build()).getMessage());
        List<String> withNull = new ArrayList<>();
        withNull.add("x");
        withNull.add(null);
        InvalidPipelineException nullArg = assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run(withNull).build());
        assertEquals("task t: invalid run=[x, (none)]: elements are text, not null", nullArg.getMessage());
        assertEquals("run[1]", nullArg.path());
        assertEquals("task t: invalid stage=' ': name the stage, or leave stage out",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").stage(" ").build()).getMessage());
        assertEquals("task t: invalid retries=-1: use 0 or more retries",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").retries(-1).build()).getMessage());
        assertEquals("task t: invalid env=A=B: environment names are non-empty and contain no '='",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").env(Map.of("A=B", "1")).build()).getMessage());
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("A", null);
        assertEquals("task t: invalid env.A=(none): give a value (an empty one is \"\")",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x").env(nullValue).build()).getMessage());
        assertEquals("task t: invalid config.when=PT0S: config values are JSON: text, numbers, true/false, null, lists and maps (not Duration)",
                assertThrows(InvalidPipelineException.class, () -> TaskSpec.builder("t").run("x")
                        .config(Map.of("when", java.time.Duration.ZERO)).build()).getMessage());
    }

    @Test
    void keepsTaskDefaultsAndShapes() {
        TaskSpec t = TaskSpec.builder("t").shell("echo hi").time("1:00:00").resources(new Resources(2, 1024, 0, null)).build();
        assertEquals("t", t.tool());
        assertEquals(List.of(), t.run());
        assertEquals(List.of("echo hi"), t.argv());
        assertEquals(3600L, t.timeLimitSeconds());
        assertEquals(Map.of(), t.config());
        assertEquals(0, t.retries());
        TaskSpec r = TaskSpec.builder("r").run("python", "main.py").env(Map.of("B", "2", "A", "1")).build();
        assertEquals(List.of("python", "main.py"), r.argv());
        assertEquals(List.of("A", "B"), List.copyOf(r.env().keySet()), "env sorted by name");
    }

    @Test
    void matchesPathsWrittenDifferently() {
        assertEquals("out/b.npz", WorkflowGraph.normalisePath(" ./out//a/../b.npz "));
        assertEquals("../data/x", WorkflowGraph.normalisePath("../data/./x"));
        assertEquals("../../x", WorkflowGraph.normalisePath("../a/../../x"));
        assertEquals("/x", WorkflowGraph.normalisePath("/../x"), "nothing is above the root");
        assertEquals("/data/x", WorkflowGraph.normalisePath("//data/y/../x"));
        assertEquals("", WorkflowGraph.normalisePath("."));
    }

    @Test
    void constructsFromNullListsAsEmpty() {
        PipelineSpec spec = new PipelineSpec("p", null, null, null, null, null, null, null, List.of(task("a", "t")));
        assertEquals(List.of(), spec.workflows());
        assertEquals(DedupScope.PIPELINE, spec.dedup());
        assertEquals(OnFailure.FAIL, spec.onFailure());
        assertEquals(TaskIdentity.COMMAND, spec.identity());
        assertEquals(List.of("tasks"), spec.allWorkflows().stream().map(WorkflowSpec::name).toList());
        PipelineSpec onlyWorkflows = new PipelineSpec("p", null, null, null, null, null, null,
                List.of(new WorkflowSpec("w", List.of(task("a", "t")))), null);
        assertEquals(List.of(), onlyWorkflows.tasks());
        assertEquals(List.of("w"), onlyWorkflows.allWorkflows().stream().map(WorkflowSpec::name).toList());
        TaskSpec t = new TaskSpec("t", null, null, null, "echo", null, null, null, null, null, null, 0, null);
        assertEquals(Map.of(), t.env());
        assertEquals(List.of(), t.after());
    }

    @Test
    void checksTenThousandTaskChainsWithoutOverflowingTheStack() {
        List<TaskSpec> chain = new ArrayList<>();
        chain.add(task("t0", "t"));
        for (int i = 1; i < 10_000; i++) {
            chain.add(task("t" + i, "t", "t" + (i - 1)));
        }
        assertDoesNotThrow(() -> PipelineSpec.builder("p", null).task(chain.toArray(TaskSpec[]::new)).build());
        List<TaskSpec> loop = new ArrayList<>(chain);
        loop.set(0, task("t0", "t", "t9999"));
        InvalidPipelineException e = refusal(PipelineSpec.builder("p", null).task(loop.toArray(TaskSpec[]::new)));
        assertEquals("t0 -> t1", e.value().substring(0, 8));
        assertEquals(10_001, e.value().split(" -> ").length);
    }
}
