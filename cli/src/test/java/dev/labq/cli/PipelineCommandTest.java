package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code labq pipeline plan|submit|show|stat|cancel} without a scheduler: Landseer configurations and pipeline
 * files planned, submitted as one entry, read back from the home; bad ones refused with nothing written.
 */
class PipelineCommandTest {
    @TempDir
    Path dir;

    /** The real Landseer configurations scheduler-core's tests use (Maven runs a module's tests in its directory). */
    private static final Path LANDSEER_CONFIGS = Path.of("..", "scheduler-core", "src", "test", "resources", "dev", "labq",
            "core", "pipeline", "landseer");

    private void landseerConfig(String name) throws IOException {
        Files.copy(LANDSEER_CONFIGS.resolve(name), dir.resolve("work").resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"trades.yaml", "teaching.yaml"})
    void aLandseerConfigPlansIntoItsWorkflowsUniqueTasksAndLandseersOrder(String config) throws IOException {
        TestHome home = TestHome.in(dir);
        landseerConfig(config);
        TestHome.Outcome o = home.run("pipeline", "plan", "--landseer", config, "--runner", "echo {stage} {name}", "--json");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        JsonNode plan = o.json();
        assertEquals(24, plan.get("workflows").size());
        assertEquals(96, plan.get("taskUses").asInt());
        assertEquals(38, plan.get("tasks").size());
        assertEquals(58, plan.get("usesSavedByDedup").asInt());
        List<Integer> priorities = new ArrayList<>();
        for (JsonNode task : plan.get("tasks")) {
            priorities.add(task.get("priority").asInt());
            assertTrue(task.get("shell").asBoolean() || !task.get("argv").isEmpty(), task::toString);
        }
        assertEquals(2, priorities.stream().filter(p -> p == -12).count(), "pre-training: 2 tasks in 12 workflows each");
        assertEquals(4, priorities.stream().filter(p -> p == 994).count());
        assertEquals(8, priorities.stream().filter(p -> p == 997).count());
        assertEquals(24, priorities.stream().filter(p -> p == 999).count());
        JsonNode order = plan.get("landseerOrder");
        assertEquals(38, order.size());
        assertEquals(-12, priorityOf(plan, order.get(0).asText()));
        assertEquals(-12, priorityOf(plan, order.get(1).asText()), "both pre-training tasks first");
        assertEquals(999, priorityOf(plan, order.get(37).asText()));

        TestHome.Outcome text = home.run("pipeline", "plan", "--landseer", config);
        assertEquals(ExitCodes.OK, text.code(), text::toString);
        assertTrue(text.out().startsWith("pipeline " + config.replace(".yaml", "")
                + " (project default, dedup pipeline, policy landseer): 24 workflows, 96 task uses, 38 unique tasks,"
                + " 58 uses saved by dedup"), text.out());
        assertFalse(Files.exists(home.root.resolve("journal")), "planning submits nothing");
    }

    private static int priorityOf(JsonNode plan, String taskId) {
        for (JsonNode task : plan.get("tasks")) {
            if (("task_" + (task.get("index").asInt() + 1)).equals(taskId)) {
                return task.get("priority").asInt();
            }
        }
        throw new AssertionError("no task " + taskId);
    }

    @Test
    void twoWorkflowsSharingTheirFirstTaskPlanItOnceWithCounterTwo() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(dir.resolve("work/shared.yaml"), """
                pipeline: shared
                project: default
                workflows:
                  - name: one
                    tasks:
                      - { name: clean, tool: outlier_detection, config: { threshold: 0.95 }, run: [python, clean.py] }
                      - { name: train, tool: adv_training, after: [clean], run: [python, train.py] }
                  - name: two
                    tasks:
                      - { name: clean, tool: outlier_detection, config: { threshold: 0.950 }, run: [python, clean.py] }
                      - { name: prune, tool: pruning, after: [clean], run: [python, prune.py] }
                """);
        TestHome.Outcome o = home.run("pipeline", "plan", "shared.yaml", "--json");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        JsonNode tasks = o.json().get("tasks");
        assertEquals(3, tasks.size(), "clean is one task");
        assertEquals(2, tasks.get(0).get("usageCounter").asInt());
        assertEquals(-2, tasks.get(0).get("priority").asInt());
        assertEquals(List.of(0), List.of(tasks.get(1).get("dependencies").get(0).asInt()));
        assertEquals(0, tasks.get(2).get("dependencies").get(0).asInt());
    }

    @Test
    void aCycleIsRefusedWithTheCyclePrintedAndExitThree() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(dir.resolve("work/cycle.yaml"), """
                pipeline: loop
                project: default
                tasks:
                  - { name: a, after: [c], run: [true] }
                  - { name: b, after: [a], run: [true] }
                  - { name: c, after: [b], run: [true] }
                """);
        TestHome.Outcome o = home.run("pipeline", "plan", "cycle.yaml");
        assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("a -> c -> b -> a") || o.err().contains("a -> b -> c -> a"), o.err());
        assertTrue(o.err().contains("cycle.yaml"), o.err());
        assertEquals("", o.out());
    }

    @Test
    void landseerOnlyOptionsWithoutLandseerAndAMissingFileAreRefused() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome o = home.run("pipeline", "plan", "x.yaml", "--runner", "echo");
        assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
        assertTrue(o.err().contains("--landseer only"), o.err());
        TestHome.Outcome missing = home.run("pipeline", "plan", "missing.yaml");
        assertEquals(ExitCodes.INVALID_INPUT, missing.code(), missing::toString);
        assertTrue(missing.err().contains("missing.yaml") && missing.err().contains("readable file"), missing.err());
        TestHome.Outcome none = home.run("pipeline");
        assertEquals(ExitCodes.USAGE, none.code(), none::toString);
    }

    private static final String SHARED = """
            pipeline: shared
            project: default
            policy: landseer
            workflows:
              - name: one
                tasks:
                  - { name: clean, tool: outlier_detection, config: { threshold: 0.95 }, run: [python, clean.py], stage: pre }
                  - { name: train, tool: adv_training, after: [clean], run: [python, train.py], stage: train }
              - name: two
                tasks:
                  - { name: clean, tool: outlier_detection, config: { threshold: 0.950 }, run: [python, clean.py], stage: pre }
                  - { name: prune, tool: pruning, after: [clean], run: [python, prune.py], stage: train }
            """;

    @Test
    void aSubmittedPipelineIsOneEntryOfJobsThatShowAndStatReadBack() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(dir.resolve("work/shared.yaml"), SHARED);
        TestHome.Outcome submitted = home.run("pipeline", "submit", "shared.yaml", "--json");
        assertEquals(ExitCodes.OK, submitted.code(), submitted::toString);
        long id = submitted.json().get("pipeline").asLong();
        assertEquals(1, id, "the first job's id");
        List<JsonNode> entries = home.tail();
        assertEquals(1, entries.size(), "one entry: " + entries);
        assertEquals("JobsSubmitted", entries.get(0).get("type").asText(), entries.get(0)::toString);

        TestHome.Outcome shown = home.run("pipeline", "show", String.valueOf(id), "--json");
        assertEquals(ExitCodes.OK, shown.code(), shown::toString);
        JsonNode tasks = shown.json().get("tasks");
        assertEquals(3, tasks.size(), "the shared first task is one job");
        assertEquals(2, tasks.get(0).get("usageCounter").asInt());
        assertEquals(-2, tasks.get(0).get("priority").asInt());
        assertEquals(List.of(1L), List.of(tasks.get(1).get("after").get(0).asLong()));
        assertEquals(List.of(1L), List.of(tasks.get(2).get("after").get(0).asLong()));
        assertEquals("PENDING", tasks.get(2).get("state").asText());
        assertEquals(64, tasks.get(0).get("taskKey").asText().length());

        TestHome.Outcome stat = home.run("pipeline", "stat", "1", "--json");
        assertEquals(ExitCodes.OK, stat.code(), stat::toString);
        assertEquals(3, stat.json().get("total").get("pending").asInt());
        assertEquals(2, stat.json().get("byWorkflow").get("one").get("total").asInt());
        assertEquals(2, stat.json().get("byStage").get("train").get("total").asInt());
        assertTrue(home.run("pipeline", "stat", "1").out().contains("workflow   two"), "text form");

        TestHome.Outcome cancelled = home.run("pipeline", "cancel", "1");
        assertEquals(ExitCodes.OK, cancelled.code(), cancelled::toString);
        assertEquals("pipeline 1: 3 of 3 jobs cancelled", cancelled.out().strip());
        assertEquals(3, home.run("pipeline", "stat", "1", "--json").json().get("total").get("failed").asInt());
        assertEquals(ExitCodes.UNKNOWN_JOB, home.run("pipeline", "stat", "99").code());
    }

    @Test
    void aRefusedPipelineWritesNothing() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(dir.resolve("work/big.yaml"), """
                pipeline: big
                project: default
                tasks:
                  - { name: ok, run: [true] }
                  - { name: huge, run: [true], resources: { cpus: 64 } }
                """);
        TestHome.Outcome o = home.run("pipeline", "submit", "big.yaml");
        assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("task huge") && o.err().contains("cpus"), o.err());
        assertFalse(Files.exists(home.root.resolve("journal")), "nothing written");
    }
}
