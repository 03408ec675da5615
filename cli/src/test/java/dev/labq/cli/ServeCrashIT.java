package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** kill -9 of `labq serve` with jobs running and pending, then a restart on the same home. */
@Timeout(150)
class ServeCrashIT {
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final int JOBS = 20;

    @TempDir
    Path dir;

    private final List<LabqJar.Serve> serves = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (LabqJar.Serve s : serves) {
            s.close();
        }
    }

    private TestHome.Outcome labq(String... args) {
        return LabqJar.run(dir, COMMAND, args);
    }

    @Test
    void restartAfterKillNeverStartsAnAttemptTwiceAndRunsWhatWasPending() throws Exception {
        LabqJar.requireJar();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("labq.yaml"), TestHome.CONFIG); // 2 CPUs: two jobs at a time
        LabqJar.Serve first = LabqJar.serve(home, dir.resolve("serve-1"), Duration.ofSeconds(60));
        serves.add(first);

        // Held first, then released at once, so that the queue is deep when the scheduler dies.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            TestHome.Outcome o = labq("submit", "--home", home.toString(), "--parsable", "-H", "--", "sleep", "0.3");
            assertEquals(0, o.code(), o::toString);
            ids.add(o.out().strip());
        }
        List<String> release = new ArrayList<>(List.of("release", "--home", home.toString()));
        release.addAll(ids);
        TestHome.Outcome released = labq(release.toArray(String[]::new));
        assertEquals(0, released.code(), released::toString);

        // A job's log file appears when it is forked: with 6 forked and at most 2 at a time, some ended.
        Path logs = home.resolve("logs");
        LabqJar.await(Duration.ofSeconds(60), () -> outFiles(logs) >= 6, () -> "jobs did not start: " + outFiles(logs));
        first.crash();
        assertTrue(outFiles(logs) < JOBS, "the kill came while jobs were still pending");

        // The socket file is stale now: a client falls back to the journal.
        TestHome.Outcome meanwhile = labq("submit", "--home", home.toString(), "--", "true");
        assertEquals(0, meanwhile.code(), meanwhile::toString);
        assertEquals("Submitted batch job " + (JOBS + 1) + "\n", meanwhile.out());
        assertTrue(meanwhile.err().contains("no scheduler is running"), meanwhile::toString);

        LabqJar.Serve second = LabqJar.serve(home, dir.resolve("serve-2"), Duration.ofSeconds(60));
        serves.add(second);
        LabqJar.await(Duration.ofSeconds(60), () -> allTerminal(LabqJar.stat(dir, home), JOBS + 1),
                () -> "not every job ended: " + LabqJar.stat(dir, home));
        JsonNode finalJobs = LabqJar.stat(dir, home);

        assertEquals(0, second.stop(Duration.ofSeconds(30)), second::stderr);
        assertTrue(second.stderr().contains("stopped cleanly"), second::stderr);
        assertFalse(Files.exists(home.resolve("scheduler.sock")), "a clean stop removes the socket");

        TestHome.Outcome tail = labq("tail", "--json", "--home", home.toString());
        assertEquals(0, tail.code(), tail::toString);
        List<JsonNode> entries = tail.jsonLines();
        long restartIndex = entries.stream().filter(e -> e.get("type").asText().equals("SchedulerStarted"))
                .skip(1).findFirst().orElseThrow(() -> new AssertionError("no second SchedulerStarted"))
                .get("index").asLong();

        Map<Long, Integer> dispatches = new HashMap<>();
        Set<String> startedAttempts = new HashSet<>();
        Set<Long> completedBeforeKill = new HashSet<>();
        Set<Long> dispatchedBeforeKill = new HashSet<>();
        for (JsonNode e : entries) {
            String type = e.get("type").asText();
            long job = e.at("/event/job").asLong();
            boolean beforeRestart = e.get("index").asLong() < restartIndex;
            switch (type) {
                case "Dispatched" -> {
                    dispatches.merge(job, 1, Integer::sum);
                    if (beforeRestart) {
                        dispatchedBeforeKill.add(job);
                    }
                }
                case "Started" -> assertTrue(startedAttempts.add(job + "#" + e.at("/event/attempt").asInt()),
                        () -> "attempt started twice: " + e);
                case "Finished" -> {
                    if (beforeRestart && e.at("/event/state").asText().equals("COMPLETED")) {
                        completedBeforeKill.add(job);
                    }
                }
                default -> { }
            }
        }
        if (!dispatches.values().stream().allMatch(n -> n == 1)) {
            entries.forEach(e -> System.out.println("JOURNAL " + e));
            System.out.println("SERVE1 " + first.stderr());
            System.out.println("SERVE2 " + second.stderr());
        }
        assertTrue(dispatches.values().stream().allMatch(n -> n == 1), () -> "a job was dispatched twice: " + dispatches);
        assertFalse(completedBeforeKill.isEmpty(), "some jobs had completed before the kill");
        System.out.printf("ServeCrashIT: at the kill %d jobs had completed, %d were dispatched but not done, %d pending%n",
                completedBeforeKill.size(), dispatchedBeforeKill.size() - completedBeforeKill.size(), JOBS - dispatchedBeforeKill.size());

        Map<Long, JsonNode> byId = new HashMap<>();
        finalJobs.forEach(j -> byId.put(j.get("id").asLong(), j));
        assertEquals(JOBS + 1, byId.size());
        for (JsonNode job : byId.values()) {
            long id = job.get("id").asLong();
            assertTrue(job.get("attempt").asInt() <= 1, () -> "more than one attempt: " + job);
            if (completedBeforeKill.contains(id) || !dispatchedBeforeKill.contains(id)) {
                assertEquals("COMPLETED", job.get("state").asText(), () -> "completed before, or pending at, the kill: " + job);
            }
        }

        TestHome.Outcome verify = labq("replay", "--verify", "--home", home.toString());
        assertEquals(0, verify.code(), verify::toString);
        assertTrue(verify.out().contains("views agree"), verify::toString);
    }

    private static boolean allTerminal(JsonNode jobs, int expected) {
        int n = 0;
        for (JsonNode j : jobs) {
            if (!List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(j.get("state").asText())) {
                return false;
            }
            n++;
        }
        return n == expected;
    }

    private static long outFiles(Path logs) {
        if (!Files.isDirectory(logs)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".out")).count();
        } catch (IOException e) {
            return fail(e);
        }
    }
}
