package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labq.core.LabqScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --array 0-19%3} on a real scheduler with room for eight: twenty outputs, never more than three running. */
@Timeout(180)
class ArrayIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    @Test
    void twentyTasksRunEachWithItsIndexAndNeverMoreThanThreeAtOnce() throws Exception {
        TestHome home = TestHome.in(dir);
        Files.writeString(home.root.resolve("labq.yaml"), TestHome.CONFIG.replace("cpus: 2", "cpus: 8"));
        home.via(served.start(home));
        TestHome.Outcome o = home.run("submit", "--array", "0-19%3", "--", "sh", "-c",
                "echo $LABQ_ARRAY_JOB_ID $LABQ_ARRAY_TASK_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT; sleep 0.2");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        assertEquals("Submitted batch job 1\n", o.out());

        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode tasks;
        do {
            TestHome.pause(100);
            tasks = home.run("stat", "--json", "1").json();
        } while (!allCompleted(tasks) && System.nanoTime() < deadline);
        assertTrue(allCompleted(tasks), tasks::toString);

        TreeSet<String> outputs = new TreeSet<>();
        for (int task = 0; task < 20; task++) {
            outputs.add(Files.readString(home.root.resolve("logs").resolve((task + 1) + ".out")).strip());
        }
        List<String> expected = new ArrayList<>();
        for (int task = 0; task < 20; task++) {
            expected.add("1 " + task + " " + task + " 20");
        }
        assertEquals(new TreeSet<>(expected), outputs);

        // The journal's order is the scheduler's: a task runs from its dispatch to its finish.
        int running = 0;
        int most = 0;
        for (JsonNode entry : home.tail()) {
            String type = entry.get("type").asText();
            if (type.equals("Dispatched")) {
                most = Math.max(most, ++running);
            } else if (type.equals("Finished")) {
                running--;
            }
        }
        assertEquals(3, most, "three at once, though eight CPUs would take more");
    }

    @Test
    void aLargeArraysViewsAreWrittenAfterItsDecisionAndWholeAfterACleanStop() {
        TestHome home = TestHome.in(dir);
        LabqScheduler first = served.start(home);
        home.via(first);
        assertEquals(1, home.submit("--array", "0-19999", "--hold", "--", "true"));
        first.close(); // at once: its views are still being written
        TestHome.Outcome offline = home.direct().run("replay", "--verify");
        assertEquals(ExitCodes.OK, offline.code(), offline::toString);
        assertTrue(offline.out().contains("views agree with the journal"), offline::toString);
        assertTrue(offline.out().matches("(?s).*: 20\\D?000 jobs.*"), "a clean stop wrote every task's view: " + offline);

        home.via(served.start(home));
        assertEquals(20001, home.submit("--array", "0-19999", "--hold", "--", "true"));
        TestHome.Outcome live = home.run("replay", "--verify");
        assertEquals(ExitCodes.OK, live.code(), "views behind the journal are not wrong: " + live);
        JsonNode tasks = home.run("stat", "--json", "1").json();
        assertEquals(20000, tasks.size());
        assertEquals("HELD", tasks.get(19999).get("state").asText());
    }

    @Test
    void aJobAfterAnArraysIdStartsOnlyOnceEveryTaskHasCompleted() throws Exception {
        TestHome home = TestHome.in(dir);
        Files.writeString(home.root.resolve("labq.yaml"), TestHome.CONFIG.replace("cpus: 2", "cpus: 8"));
        home.via(served.start(home));
        assertEquals(1, home.submit("--array", "0-5%2", "--", "sh", "-c", "sleep 0.$LABQ_ARRAY_TASK_ID"));
        assertEquals(7, home.submit("-d", "afterok:1", "--", "true"));
        assertEquals(8, home.submit("-d", "afterok:1_0", "--", "true"));
        JsonNode after = home.awaitJob(7, j -> j.get("state").asText().equals("COMPLETED"), Duration.ofSeconds(60));
        long lastEnd = 0;
        for (JsonNode task : home.run("stat", "--json", "1").json()) {
            assertEquals("COMPLETED", task.get("state").asText(), task::toString);
            lastEnd = Math.max(lastEnd, task.get("endMillis").asLong());
        }
        assertTrue(after.get("startMillis").asLong() >= lastEnd, "started after the last task ended: " + after);
        JsonNode one = home.job(8);
        assertTrue(one.get("startMillis").asLong() < lastEnd, "the job after task 0 alone did not wait for the others: " + one);
    }

    private static boolean allCompleted(JsonNode tasks) {
        for (JsonNode t : tasks) {
            if (!t.get("state").asText().equals("COMPLETED")) {
                return false;
            }
        }
        return tasks.size() == 20;
    }
}
