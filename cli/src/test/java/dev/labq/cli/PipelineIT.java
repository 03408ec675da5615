package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelines run on a real scheduler: a shared task once, its consumers after it, Landseer's config to the end. */
@Timeout(180)
class PipelineIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    private TestHome start() {
        TestHome home = TestHome.in(dir);
        return home.via(served.start(home));
    }

    private static boolean ended(JsonNode job) {
        return List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(job.get("state").asText());
    }

    @Test
    void twoWorkflowsSharingTheirFirstTaskRunItOnceAndBothConsumersAfterIt() throws IOException {
        TestHome home = start();
        Path log = dir.resolve("runs.log");
        Files.writeString(dir.resolve("work/shared.yaml"), """
                pipeline: shared
                project: default
                workflows:
                  - name: one
                    tasks:
                      - { name: clean, tool: outlier_detection, config: { threshold: 0.95 }, shell: "echo clean >> %1$s" }
                      - { name: train, tool: adv_training, after: [clean], shell: "echo train >> %1$s" }
                  - name: two
                    tasks:
                      - { name: clean, tool: outlier_detection, config: { threshold: 0.95 }, shell: "echo clean >> %1$s" }
                      - { name: prune, tool: pruning, after: [clean], shell: "echo prune >> %1$s" }
                """.formatted(log));
        TestHome.Outcome o = home.run("pipeline", "submit", "shared.yaml", "--json");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        long first = o.json().get("pipeline").asLong();
        for (long job = first; job < first + 3; job++) {
            assertEquals("COMPLETED", home.awaitJob(job, PipelineIT::ended, LIMIT).get("state").asText());
        }
        List<String> runs = Files.readAllLines(log);
        assertEquals(3, runs.size(), runs::toString);
        assertEquals("clean", runs.get(0), "the shared task first, once");
        assertTrue(runs.containsAll(List.of("train", "prune")), runs::toString);
        JsonNode stat = home.run("pipeline", "stat", Long.toString(first), "--json").json();
        assertEquals(3, stat.get("total").get("completed").asInt());
        assertEquals(2, stat.get("byWorkflow").get("two").get("completed").asInt());
    }

    @Test
    void aLandseerConfigRunsEveryUniqueTaskOnceInLandseersOrderOfStages() throws IOException {
        TestHome home = start();
        Path log = dir.resolve("landseer.log");
        Files.copy(Path.of("..", "scheduler-core", "src", "test", "resources", "dev", "labq", "core", "pipeline", "landseer",
                "trades.yaml"), dir.resolve("work/trades.yaml"));
        TestHome.Outcome o = home.run("pipeline", "submit", "--landseer", "trades.yaml",
                "--runner", "echo {stage} >> " + log, "--json");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        long first = o.json().get("pipeline").asLong();
        assertEquals(38, o.json().get("jobs").size());
        for (long job = first; job < first + 38; job++) {
            assertEquals("COMPLETED", home.awaitJob(job, PipelineIT::ended, LIMIT).get("state").asText(), "job " + job);
        }
        List<String> stages = Files.readAllLines(log);
        assertEquals(38, stages.size(), "each unique task once");
        assertEquals(List.of("pre_training", "pre_training"), stages.subList(0, 2), "Landseer's -12 first: " + stages);
        assertEquals(24, stages.stream().filter("deployment"::equals).count());
        assertEquals(38, home.run("pipeline", "stat", Long.toString(first), "--json").json().get("total").get("completed").asInt());
    }

    @ParameterizedTest(name = "onFailure: {0}")
    @ValueSource(strings = {"hold", "fail"})
    void aFailedTaskRetriedOnceItsCauseIsFixedLetsTheRestRun(String onFailure) throws IOException {
        TestHome home = start();
        Path log = dir.resolve("runs.log");
        Path flag = dir.resolve("data-ready");
        Files.writeString(dir.resolve("work/flaky.yaml"), """
                pipeline: flaky
                project: default
                onFailure: %s
                tasks:
                  - { name: fetch, tool: fetch, shell: "test -f %s && echo fetch >> %s" }
                  - { name: train, tool: train, after: [fetch], shell: "echo train >> %s" }
                """.formatted(onFailure, flag, log, log));
        TestHome.Outcome o = home.run("pipeline", "submit", "flaky.yaml", "--json");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        long fetch = o.json().get("pipeline").asLong();
        long train = fetch + 1;
        assertEquals("FAILED", home.awaitJob(fetch, PipelineIT::ended, LIMIT).get("state").asText());
        JsonNode waiting = home.job(train);
        if (onFailure.equals("hold")) {
            assertEquals("PENDING", waiting.get("state").asText(), waiting::toString);
            assertEquals("DependencyFailed", waiting.get("reason").asText(), waiting::toString);
        } else {
            assertEquals("CANCELLED", home.awaitJob(train, PipelineIT::ended, LIMIT).get("state").asText());
            assertTrue(home.job(train).get("reason").asText().startsWith("DependencyNeverSatisfied"));
        }

        Files.writeString(flag, "");
        TestHome.Outcome retry = home.run("pipeline", "retry", Long.toString(fetch));
        assertEquals(ExitCodes.OK, retry.code(), retry::toString);
        assertEquals("pipeline " + fetch + ": " + (onFailure.equals("hold") ? 1 : 2) + " of 2 jobs requeued\n", retry.out());
        assertEquals("COMPLETED", home.awaitJob(train, PipelineIT::ended, LIMIT).get("state").asText());
        assertEquals(List.of("fetch", "train"), Files.readAllLines(log));
        assertEquals(2, home.job(fetch).get("attempt").asInt(), "the retry is the second attempt");
        TestHome.Outcome again = home.run("requeue", Long.toString(fetch));
        assertEquals(ExitCodes.ILLEGAL_STATE, again.code(), "a completed job is not requeued: " + again);
    }

    @Test
    void aTaskWithRetriesThatFailsOnceRunsAgainAndItsConsumerAfterIt() throws IOException {
        TestHome home = start();
        Path log = dir.resolve("runs.log");
        Path seen = dir.resolve("failed-once");
        Files.writeString(dir.resolve("work/retry.yaml"), """
                pipeline: retry
                project: default
                tasks:
                  - { name: flaky, tool: flaky, retries: 1, shell: "echo try >> %s; test -f %s || { touch %s; exit 3; }" }
                  - { name: after, tool: after, after: [flaky], shell: "echo after >> %s" }
                """.formatted(log, seen, seen, log));
        long first = home.run("pipeline", "submit", "retry.yaml", "--json").json().get("pipeline").asLong();
        assertEquals("COMPLETED", home.awaitJob(first + 1, PipelineIT::ended, LIMIT).get("state").asText());
        JsonNode flaky = home.job(first);
        assertEquals(2, flaky.get("attempt").asInt(), flaky::toString);
        assertEquals(1, flaky.get("spec").get("retries").asInt());
        assertEquals(List.of("try", "try", "after"), Files.readAllLines(log));
    }

    @Test
    void underProjectDedupALaterPipelineReusesARunningTaskAndCancellingTheFirstSparesIt() throws Exception {
        TestHome home = start();
        Path log = dir.resolve("runs.log");
        Path go = dir.resolve("go");
        String prep = "{ name: prep, tool: prep, config: { size: 10 }, shell: \"echo prep >> %s; while [ ! -f %s ]; do sleep 0.05; done\" }"
                .formatted(log, go);
        Files.writeString(dir.resolve("work/first.yaml"), """
                pipeline: first
                project: default
                dedup: project
                tasks:
                  - %s
                  - { name: train, tool: train, after: [prep], shell: "echo train >> %s" }
                """.formatted(prep, log));
        Files.writeString(dir.resolve("work/second.yaml"), """
                pipeline: second
                project: default
                dedup: project
                tasks:
                  - %s
                  - { name: eval, tool: eval, after: [prep], shell: "echo eval >> %s" }
                """.formatted(prep, log));
        long first = home.run("pipeline", "submit", "first.yaml", "--json").json().get("pipeline").asLong();
        home.awaitJob(first, j -> j.get("state").asText().equals("RUNNING"), LIMIT);

        TestHome.Outcome planned = home.run("pipeline", "plan", "second.yaml", "--json");
        assertEquals(String.valueOf(first), planned.json().get("tasks").get(0).get("reusedFrom").asText(), planned::toString);
        long second = home.run("pipeline", "submit", "second.yaml", "--json").json().get("pipeline").asLong();
        JsonNode shown = home.run("pipeline", "show", Long.toString(second), "--json").json();
        assertEquals(first, shown.get("tasks").get(0).get("reuses").asLong(), shown::toString);

        TestHome.Outcome cancel = home.run("pipeline", "cancel", Long.toString(first));
        assertEquals(ExitCodes.OK, cancel.code(), cancel::toString);
        assertTrue(cancel.out().contains("1 of 2 jobs cancelled; kept job " + first + " (pipeline " + second + " needs it)"),
                cancel::toString);
        Files.writeString(go, "");
        assertEquals("COMPLETED", home.awaitJob(second + 1, PipelineIT::ended, LIMIT).get("state").asText());
        assertEquals("COMPLETED", home.job(second).get("state").asText(), "the reusing job completes with the one it reuses");
        assertEquals("CANCELLED", home.job(first + 1).get("state").asText());
        assertEquals(List.of("prep", "eval"), Files.readAllLines(log), "prep ran once");
    }

    @Test
    void underProjectDedupACompletedTaskIsReusedWhileItsOutputsExistAndRunsAgainOnceOneIsDeleted() throws Exception {
        TestHome home = start();
        Path log = dir.resolve("runs.log");
        Files.writeString(dir.resolve("work/make.yaml"), """
                pipeline: make
                project: default
                dedup: project
                tasks:
                  - { name: make, tool: make, shell: "echo make >> %s; mkdir -p out; echo data > out/data.txt", outputs: [out/data.txt] }
                """.formatted(log));
        long first = home.run("pipeline", "submit", "make.yaml", "--json").json().get("pipeline").asLong();
        assertEquals("COMPLETED", home.awaitJob(first, PipelineIT::ended, LIMIT).get("state").asText());
        assertTrue(Files.exists(dir.resolve("work/out/data.txt")), "the task ran where the pipeline was submitted");

        long second = home.run("pipeline", "submit", "make.yaml", "--json").json().get("pipeline").asLong();
        JsonNode reused = home.awaitJob(second, PipelineIT::ended, LIMIT);
        assertEquals("Reused the result of job " + first, reused.get("reason").asText(), reused::toString);

        Files.delete(dir.resolve("work/out/data.txt"));
        long third = home.run("pipeline", "submit", "make.yaml", "--json").json().get("pipeline").asLong();
        JsonNode rerun = home.awaitJob(third, PipelineIT::ended, LIMIT);
        assertEquals("COMPLETED", rerun.get("state").asText(), rerun::toString);
        assertFalse(rerun.get("spec").get("pipeline").has("reuses"), "its output was gone, so it ran: " + rerun);
        assertEquals(List.of("make", "make"), Files.readAllLines(log));
    }
}

