package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint protocol on a real scheduler with real processes: a shell job that counts steps, commits each with
 * the real `labq checkpoint commit`, is killed with kill -9 and resumes from its last (valid) checkpoint.
 */
@Timeout(300)
class CheckpointIT {
    private static final Duration LIMIT = Duration.ofSeconds(150);
    /** Counts to $STEPS, one checkpoint per step; resumes from $LABQ_RESUME_FROM/state. */
    private static final String COUNTER = """
            #!/bin/sh
            step=0
            if [ -n "$LABQ_RESUME_FROM" ]; then step=$(cat "$LABQ_RESUME_FROM/state"); fi
            echo "attempt $LABQ_ATTEMPT from $step"
            while [ $step -lt %1$d ]; do
              step=$((step + 1))
              echo "$step" >> %2$s
              echo $step > "$LABQ_CHECKPOINT_DIR/state"
              labq checkpoint commit > /dev/null || exit 9
            done
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    private TestHome start(Path steps, int count) throws IOException {
        return start(steps, count, "");
    }

    /** A home whose configuration has {@code extra} appended, with the counting job written and a scheduler started. */
    private TestHome start(Path steps, int count, String extra) throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(home.root.resolve("labq.yaml"), TestHome.CONFIG + extra);
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("labq"); // the repository's ./labq
        home.via(served.start(home, b -> b.launcher(launcher)));
        Path script = dir.resolve("work/count.sh");
        Files.writeString(script, COUNTER.formatted(count, steps));
        script.toFile().setExecutable(true);
        return home;
    }

    private static int committed(TestHome home) {
        JsonNode list = home.run("checkpoint", "list", "1", "--json").json();
        return list.isEmpty() ? 0 : list.get(list.size() - 1).get("index").asInt();
    }

    /** Kills the job's own process (the wrapper's child) with SIGKILL. */
    private static void killJob(TestHome home) {
        long wrapper = home.job(1).get("pid").asLong();
        ProcessHandle.of(wrapper).orElseThrow().children().forEach(ProcessHandle::destroyForcibly);
    }

    private static Map<Integer, Integer> runsPerStep(Path steps) throws IOException {
        Map<Integer, Integer> runs = new HashMap<>();
        for (String line : Files.readAllLines(steps)) {
            runs.merge(Integer.parseInt(line.strip()), 1, Integer::sum);
        }
        return runs;
    }

    private static void awaitCommitted(TestHome home, int at) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (committed(home) < at) {
            assertTrue(System.nanoTime() < deadline, "the job did not commit " + at + " checkpoints");
            TestHome.pause(50);
        }
    }

    @Test
    void aJobKilledMidwayResumesFromItsLastCheckpointAndNoStepRunsMoreThanTwice() throws IOException {
        Path steps = dir.resolve("steps.log");
        TestHome home = start(steps, 20);
        assertEquals(1, home.submit("--retries", "2", "--", dir.resolve("work/count.sh").toString()));
        awaitCommitted(home, 6);
        killJob(home);

        JsonNode done = home.awaitJob(1, j -> List.of("COMPLETED", "FAILED").contains(j.get("state").asText()), LIMIT);
        assertEquals("COMPLETED", done.get("state").asText(), done::toString);
        assertEquals(2, done.get("attempt").asInt());
        Map<Integer, Integer> runs = runsPerStep(steps);
        for (int step = 1; step <= 20; step++) {
            int n = runs.getOrDefault(step, 0);
            assertTrue(n == 1 || n == 2, "step " + step + " ran " + n + " times: " + runs);
        }
        String log = Files.readString(home.root.resolve("logs/1.out"));
        int resumedFrom = Integer.parseInt(log.strip().replaceAll("(?s).*attempt 2 from (\\d+).*", "$1"));
        assertTrue(resumedFrom >= 6, "the second attempt went on from the last commit: " + log);
        JsonNode resumed = home.tail().stream().filter(e -> e.get("type").asText().equals("CheckpointResumed"))
                .findFirst().orElseThrow();
        assertEquals(resumedFrom, resumed.get("event").get("number").asInt(), "one checkpoint per step");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!home.job(1).path("checkpoints").isEmpty()) { // the completed job's checkpoints go, in the background
            assertTrue(System.nanoTime() < deadline, "the completed job's checkpoints were not deleted");
            TestHome.pause(20);
        }
        List<Integer> deleted = home.tail().stream().filter(e -> e.get("type").asText().equals("CheckpointDeleted"))
                .map(e -> e.get("event").get("number").asInt()).toList();
        assertEquals(List.of(18, 19, 20), deleted, "the newest three were kept until the job completed");
        assertTrue(home.run("checkpoint", "list", "1", "--json").json().isEmpty());
    }

    @Test
    void aDamagedNewestCheckpointIsQuarantinedAndTheOneBeforeIsResumedFrom() throws Exception {
        Path steps = dir.resolve("steps.log");
        TestHome home = start(steps, 12, "checkpoints: { keepCompleted: true }\n");
        assertEquals(1, home.submit("--retries", "1", "--", dir.resolve("work/count.sh").toString()));
        awaitCommitted(home, 4);
        long wrapper = home.job(1).get("pid").asLong();
        List<ProcessHandle> job = ProcessHandle.of(wrapper).orElseThrow().children().toList();
        for (ProcessHandle p : job) {
            new ProcessBuilder("kill", "-STOP", Long.toString(p.pid())).start().waitFor();
        }
        TestHome.pause(1500); // a commit under way when the job stopped finishes
        JsonNode list = home.run("checkpoint", "list", "1", "--json").json();
        JsonNode newest = list.get(list.size() - 1);
        int damaged = newest.get("index").asInt();
        Path state = Path.of(newest.get("path").asText()).resolve("data/state");
        state.toFile().setWritable(true);
        Files.writeString(state, "999\n");

        for (ProcessHandle p : job) {
            p.destroyForcibly();
        }
        JsonNode done = home.awaitJob(1, j -> List.of("COMPLETED", "FAILED").contains(j.get("state").asText()), LIMIT);
        assertEquals("COMPLETED", done.get("state").asText(), done::toString);
        List<JsonNode> journal = home.tail();
        JsonNode quarantined = journal.stream().filter(e -> e.get("type").asText().equals("CheckpointQuarantined"))
                .findFirst().orElseThrow(() -> new AssertionError("no quarantine in " + journal));
        assertEquals(damaged, quarantined.get("event").get("number").asInt());
        assertTrue(quarantined.get("event").get("problem").asText().contains("file=state"), quarantined.toString());
        JsonNode resumed = journal.stream().filter(e -> e.get("type").asText().equals("CheckpointResumed"))
                .findFirst().orElseThrow();
        assertEquals(damaged - 1, resumed.get("event").get("number").asInt(), "the one before the damaged one");
        assertTrue(Files.readString(home.root.resolve("logs/1.out")).contains("attempt 2 from " + (damaged - 1)));
        assertEquals(ExitCodes.OK, home.run("checkpoint", "verify", "1").code(), "what is left, kept, verifies");
        assertEquals(3, home.job(1).get("checkpoints").size(), "keepCompleted: true keeps the newest three");
    }

    @Test
    void aJobAskingForCheckpointsEverySecondIsSignalledAndCommitsInItsHandler() throws IOException {
        TestHome home = start(dir.resolve("unused.log"), 0);
        Path script = dir.resolve("work/on-signal.sh");
        Files.writeString(script, """
                #!/bin/sh
                n=0
                trap 'n=$((n + 1)); echo $n > "$LABQ_CHECKPOINT_DIR/state"; labq checkpoint commit --wait > /dev/null' USR1
                i=0
                while [ $i -lt 45 ]; do sleep 0.1; i=$((i + 1)); done
                echo "asked $n times"
                """);
        script.toFile().setExecutable(true);
        assertEquals(1, home.submit("--checkpoint-every", "1s", "--", script.toString()));
        JsonNode done = home.awaitJob(1, j -> List.of("COMPLETED", "FAILED").contains(j.get("state").asText()), LIMIT);
        assertEquals("COMPLETED", done.get("state").asText(), done::toString);
        int asked = Integer.parseInt(Files.readString(home.root.resolve("logs/1.out")).replaceAll("(?s).*asked (\\d+) times.*", "$1"));
        assertTrue(asked >= 2 && asked <= 5, "about one a second for 4.5 s: " + asked);
        assertTrue(home.tail().stream().filter(e -> e.get("type").asText().equals("CheckpointCommitted")).count() >= 2);
    }
}

