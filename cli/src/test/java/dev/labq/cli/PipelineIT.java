package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labq.core.LabqScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pipelines run on a real scheduler: a shared task once, its consumers after it, Landseer's config to the end. */
@Timeout(180)
class PipelineIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private LabqScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private TestHome start() {
        TestHome home = TestHome.in(dir);
        scheduler = LabqScheduler.builder(home.root).serveCommands(ServeCommand::commands).tickMillis(20).start();
        return home.via(scheduler);
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
}
