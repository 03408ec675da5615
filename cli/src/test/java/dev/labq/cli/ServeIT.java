package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `java -jar labq.jar serve` with real client processes talking to it over scheduler.sock. */
@Timeout(150)
class ServeIT {
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final Pattern SUBMITTED = Pattern.compile("Submitted batch job (\\d+)\n");

    @TempDir
    Path dir;

    private Path home;
    private LabqJar.Serve serve;

    @BeforeEach
    void startServe() throws Exception {
        LabqJar.requireJar();
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve("labq.yaml"), TestHome.CONFIG);
        serve = LabqJar.serve(home, dir.resolve("serve-logs"), Duration.ofSeconds(60));
    }

    @AfterEach
    void stopServe() throws Exception {
        serve.close();
    }

    private TestHome.Outcome labq(String... args) {
        return LabqJar.run(dir, COMMAND, args);
    }

    @Test
    void twoHundredParallelSubmissionsEachRunExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<TestHome.Outcome>>> batches = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                batches.add(pool.submit(() -> {
                    List<TestHome.Outcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        outcomes.add(labq("submit", "--home", home.toString(), "--", "true"));
                    }
                    return outcomes;
                }));
            }
            Set<Long> ids = new TreeSet<>();
            for (Future<List<TestHome.Outcome>> batch : batches) {
                for (TestHome.Outcome o : batch.get()) {
                    assertEquals(0, o.code(), o::toString);
                    Matcher m = SUBMITTED.matcher(o.out());
                    assertTrue(m.matches(), o::toString);
                    assertEquals("", o.err(), () -> "through the scheduler, no 'no scheduler' note\n" + o);
                    assertTrue(ids.add(Long.parseLong(m.group(1))), () -> "duplicate id " + m.group(1));
                }
            }
            assertEquals(threads * perThread, ids.size());
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        LabqJar.await(Duration.ofSeconds(90), () -> completed(LabqJar.stat(dir, home)) == total,
                () -> "not all " + total + " jobs COMPLETED: " + completed(LabqJar.stat(dir, home)));

        TestHome.Outcome tail = labq("tail", "--json", "--home", home.toString());
        assertEquals(0, tail.code(), tail::toString);
        Map<String, Map<Long, Integer>> counts = new HashMap<>();
        for (JsonNode entry : tail.jsonLines()) {
            JsonNode job = entry.at("/event/job");
            if (!job.isMissingNode()) {
                counts.computeIfAbsent(entry.get("type").asText(), k -> new HashMap<>()).merge(job.asLong(), 1, Integer::sum);
            }
        }
        for (String type : List.of("Submitted", "Dispatched", "Started", "Finished")) {
            Map<Long, Integer> perJob = counts.getOrDefault(type, Map.of());
            assertEquals(total, perJob.size(), type + " entries for every job");
            assertTrue(perJob.values().stream().allMatch(n -> n == 1), () -> type + " more than once: " + perJob);
        }
    }

    private static long completed(JsonNode jobs) {
        long n = 0;
        for (JsonNode j : jobs) {
            if (j.get("state").asText().equals("COMPLETED")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void secondServeOnTheSameHomeExitsSixNamingThePid() {
        TestHome.Outcome o = labq("serve", "--home", home.toString());
        assertEquals(ExitCodes.ALREADY_RUNNING, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("pid " + serve.process().pid()), o::toString);
        assertTrue(serve.process().isAlive(), "the first scheduler keeps running");
    }

    @Test
    void thinClientSubmitsThroughTheSocketAndKeepsErrorsToOneLine() throws Exception {
        TestHome.Outcome ok = labq("submit", "--home", home.toString(), "-J", "thin", "--", "true");
        assertEquals(0, ok.code(), ok::toString);
        assertEquals("Submitted batch job 1\n", ok.out());
        assertEquals("", ok.err(), "the scheduler served it: no 'no scheduler' note");

        String[][] rejected = {
                {"submit", "--home", home.toString(), "-A", "nope", "--", "true"},
                {"submit", "--home", home.toString(), "--bogus", "--", "true"},
                {"submit", "--home", home.toString(), "-d", "afterok:999", "--", "true"},
                {"hold", "--home", home.toString(), "abc"},
                {"release", "--home", home.toString(), "1"},
        };
        int[] codes = {ExitCodes.INVALID_INPUT, ExitCodes.USAGE, ExitCodes.UNKNOWN_JOB, ExitCodes.USAGE, ExitCodes.ILLEGAL_STATE};
        String[] mentions = {"project=nope", "--bogus", "999", "abc", "job=1"};
        LabqJar.await(COMMAND, () -> LabqJar.stat(dir, home).get(0).get("state").asText().equals("COMPLETED"),
                () -> "job 1 did not complete");
        for (int i = 0; i < rejected.length; i++) {
            TestHome.Outcome o = labq(rejected[i]);
            assertEquals(codes[i], o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertTrue(o.err().contains(mentions[i]), o::toString);
            assertEquals("", o.out(), o::toString);
        }

        JsonNode jobs = LabqJar.stat(dir, home);
        assertEquals(1, jobs.size(), "rejected submissions journal nothing");
        assertEquals("thin", jobs.get(0).at("/spec/name").asText());
        assertEquals(dir.toString(), jobs.get(0).at("/spec/workdir").asText(), "the job runs in the client's directory");

        TestHome.Outcome table = labq("stat", "--home", home.toString());
        assertEquals(0, table.code(), table::toString);
        assertTrue(table.out().contains("thin") && table.out().contains("COMPLETED"), table::toString);
    }
}
