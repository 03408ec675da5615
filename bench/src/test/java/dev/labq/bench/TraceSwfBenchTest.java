package dev.labq.bench;

import dev.labq.bench.sim.SchedulingPolicy;
import dev.labq.bench.sim.SimulationRun;
import dev.labq.bench.sim.Simulator;
import dev.labq.bench.sim.SwfTrace;
import dev.labq.bench.sim.TraceJob;
import dev.labq.bench.sim.Workload;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.PrioritySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * trace-swf on small crafted traces: what it says when a trace leaves waits, requests or sizes out, and the
 * labq row's configuration: accounts from the SWF fields, the priority settings the output states.
 */
class TraceSwfBenchTest {
    /**
     * Job 1 holds 3 of 4 CPUs for 100 s, job 2 needs all 4, job 3 (1 CPU, 50 s) could run beside job 1:
     * with limits EASY backfills it, without them it waits for job 2 as under FCFS. No waits, no requests.
     */
    private static final String NO_WAITS_NO_REQUESTS = """
            ; MaxNodes: 2
            ; MaxProcs: 4
                1   0  -1  100  3 -1 -1  3  -1 -1 1 1 1 -1 -1 -1 -1 -1
                2  10  -1  100  4 -1 -1  4  -1 -1 1 1 1 -1 -1 -1 -1 -1
                3  20  -1   50  1 -1 -1  1  -1 -1 1 1 1 -1 -1 -1 -1 -1
            """;

    @TempDir
    Path dir;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private Path trace(String text) throws IOException {
        Path file = dir.resolve("t.swf");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private int run(Path trace, String... args) {
        List<String> all = new ArrayList<>(List.of("trace-swf", "--trace", trace.toString(), "--out", dir.resolve("out").toString()));
        all.addAll(List.of(args));
        return BenchMain.run(all, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Double> results() {
        Map<String, Double> results = new LinkedHashMap<>();
        for (String line : output().split("\\R")) {
            if (line.startsWith("RESULT ")) {
                String[] f = line.split(" ");
                results.put(f[1], Double.parseDouble(f[2]));
            }
        }
        return results;
    }

    @Test
    void traceWithoutRecordedWaitsReportsProductionAsUnavailable() throws IOException {
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS)), stderr::toString);
        assertTrue(output().contains("production: n/a, the trace records no waits (field 3 is -1 for every job)"), output());
        assertFalse(results().keySet().stream().anyMatch(k -> k.startsWith("swf.production.")), results().keySet()::toString);
        assertTrue(results().containsKey("swf.easy.avg_wait_s"), "the simulated policies still report");
    }

    @Test
    void someUnknownWaitsAreSaidAndTheProductionRowCoversTheRest() throws IOException {
        String oneWait = NO_WAITS_NO_REQUESTS.replace("1   0  -1  100", "1   0   0  100");
        assertEquals(BenchMain.OK, run(trace(oneWait)), stderr::toString);
        assertTrue(output().contains("production: recorded waits for 1 of 3 jobs"), output());
        assertEquals(0.0, results().get("swf.production.avg_wait_s"));
    }

    @Test
    void missingRequestedTimesAreSaidWithTheHintAndEasyEqualsFcfs() throws IOException {
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS)), stderr::toString);
        assertTrue(output().contains("time limits: 3 of 3 jobs have no requested time (field 9 is -1)"), output());
        assertTrue(output().contains("hint: --estimate runtime"), output());
        assertEquals(results().get("swf.fcfs.avg_wait_s"), results().get("swf.easy.avg_wait_s"), "nothing can backfill");
    }

    @Test
    void runtimeEstimateLetsEasyBackfill() throws IOException {
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS), "--estimate", "runtime"), stderr::toString);
        assertTrue(output().contains("time limits: each job's run time, field 4 (--estimate runtime"), output());
        assertFalse(output().contains("hint:"), output());
        Map<String, Double> results = results();
        assertEquals((0 + 90 + 180) / 3.0, results.get("swf.fcfs.avg_wait_s"), 1e-6, "job 3 starts at 200 s");
        assertEquals((0 + 90 + 0) / 3.0, results.get("swf.easy.avg_wait_s"), 1e-6, "job 3 backfills at 20 s");
    }

    @Test
    void requestedTimesNeedNoHint() throws IOException {
        String requested = NO_WAITS_NO_REQUESTS.replace("  -1 -1 1 1 1", "  100 -1 1 1 1");
        assertEquals(BenchMain.OK, run(trace(requested)), stderr::toString);
        assertTrue(output().contains("time limits: requested time, field 9 (--estimate requested), raised to the run time for 0 jobs"), output());
        assertFalse(output().contains("hint:"), output());
    }

    @Test
    void saysWhichHeaderLineSizedTheMachine() throws IOException {
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS)), stderr::toString);
        assertTrue(output().contains("machine: 4 CPUs from the header's MaxProcs"), output());
        stdout.reset();
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS.replace("; MaxProcs: 4\n", "").replace("; MaxNodes: 2", "; MaxNodes: 3"))),
                stderr::toString);
        assertTrue(output().contains("machine: 3 CPUs from the header's MaxNodes (it has no MaxProcs)"), output());
        assertTrue(output().contains("1 larger than the machine"), output());
        stdout.reset();
        assertEquals(BenchMain.OK, run(trace(NO_WAITS_NO_REQUESTS.replace("; MaxProcs: 4\n", "").replace("; MaxNodes: 2\n", ""))),
                stderr::toString);
        assertTrue(output().contains("machine: 4 CPUs from the largest job (the header has neither MaxProcs nor MaxNodes)"), output());
    }

    @Test
    void badEstimateOrEmptyTraceIsAUsageError() throws IOException {
        Path file = trace(NO_WAITS_NO_REQUESTS);
        assertEquals(BenchMain.USAGE, run(file, "--estimate", "exact"));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("--estimate=exact is not one of requested, runtime"), stderr::toString);
        assertEquals(BenchMain.USAGE, run(trace("; MaxProcs: 2\n" + "1 0 -1 100 3 -1 -1 3 -1 -1 1 1 1 -1 -1 -1 -1 -1\n")));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("no job to replay"), stderr::toString);
    }

    /**
     * On 4 CPUs: user 1 of group 1 starts a 4-CPU job at 0 s and queues three more (1-3 s); user 2 of group 2
     * submits one of the same shape at 10 s. Nothing can backfill (every job needs the whole machine).
     */
    private static final String HEAVY_GROUP_THEN_LIGHT_GROUP = """
            ; MaxProcs: 4
                1   0  -1  100  4 -1 -1  4  100 -1 1 1 1 -1 -1 -1 -1 -1
                2   1  -1  100  4 -1 -1  4  100 -1 1 1 1 -1 -1 -1 -1 -1
                3   2  -1  100  4 -1 -1  4  100 -1 1 1 1 -1 -1 -1 -1 -1
                4   3  -1  100  4 -1 -1  4  100 -1 1 1 1 -1 -1 -1 -1 -1
                5  10  -1  100  4 -1 -1  4  100 -1 1 2 2 -1 -1 -1 -1 -1
            """;

    private static SwfTrace read(Path file) {
        return SwfTrace.read(file, Integer.MAX_VALUE, SwfTrace.Estimate.REQUESTED);
    }

    private static Map<Long, Long> startTimes(Workload workload, SchedulingPolicy policy) {
        Map<Long, Long> starts = new LinkedHashMap<>();
        for (SimulationRun.Outcome o : Simulator.run(workload, policy).outcomes()) {
            starts.put(o.job().id(), o.startSeconds());
        }
        return starts;
    }

    @Test
    void projectsAreSwfGroupsAndUsersAreSwfUsersWithinThem() throws IOException {
        // field 12 (user) 7 in group 3, user 8 in groups 3 and 4
        SwfTrace trace = read(trace("""
                ; MaxProcs: 4
                    1   0  -1  100  1 -1 -1  1  100 -1 1 7 3 -1 -1 -1 -1 -1
                    2   5  -1  100  1 -1 -1  1  100 -1 1 8 3 -1 -1 -1 -1 -1
                    3   9  -1  100  1 -1 -1  1  100 -1 1 8 4 -1 -1 -1 -1 -1
                """));
        assertEquals(List.of("u7", "u8", "u8"), trace.jobs().stream().map(TraceJob::user).toList());
        assertEquals(List.of("g3", "g3", "g4"), trace.jobs().stream().map(TraceJob::project).toList());
        LabqConfig config = TraceSwfBench.workload(trace).config();
        assertEquals(Set.of("g3", "g4"), config.projects().keySet());
        assertEquals(Set.of("u7", "u8"), config.projects().get("g3").users().keySet());
        assertEquals(Set.of("u8"), config.projects().get("g4").users().keySet());
        config.projects().values().forEach(p -> {
            assertEquals(TraceSwfBench.PROJECT_IMPORTANCE, p.importance());
            assertEquals(1.0, p.share());
            p.users().values().forEach(u -> assertEquals(1.0, u.share()));
        });
    }

    @Test
    void labqRowRunsTheMultifactorSettingsTheOutputStates() throws IOException {
        Path file = trace(HEAVY_GROUP_THEN_LIGHT_GROUP);
        assertEquals(BenchMain.OK, run(file), stderr::toString);
        LabqConfig config = TraceSwfBench.workload(read(file)).config();
        assertEquals(TraceSwfBench.LABQ_PRIORITY, config.priority(), "built in code, not the defaults");
        assertEquals(LabqConfig.Settings.POLICY_MULTIFACTOR, config.scheduler().policy());
        assertEquals(LabqConfig.Settings.BACKFILL_EASY, config.scheduler().backfill());
        List<String> stated = output().lines().filter(l -> l.startsWith("  labq policy: ")).toList();
        assertEquals(TraceSwfBench.policyLines(config), stated);
        PrioritySettings p = config.priority();
        PrioritySettings.Weights w = p.weights();
        String text = String.join("\n", stated);
        for (String expected : List.of("multifactor, backfill easy", "projects = SWF groups (field 13): 2, importance 10, share 1 each",
                "users = SWF users (field 12) within their group: 2 user-group pairs, share 1 each",
                "fairshare " + (long) (double) w.fairshare() + ",", "fairshareUser " + (long) (double) w.fairshareUser() + ",",
                "age " + (long) (double) w.age() + ",", "importance " + (long) (double) w.importance() + ",", "deadline 0,", "size 0,",
                "nice 0;", "maxAgeHours " + (long) (double) p.maxAgeHours() + ",",
                "usageHalfLifeHours " + (long) (double) p.usageHalfLifeHours() + ",", "recomputeSeconds " + p.recomputeSeconds() + ",")) {
            assertTrue(text.contains(expected), () -> "'" + expected + "' not in " + text);
        }
        assertEquals(w.fairshare() + w.fairshareUser(), w.age(), 1e-9,
                "a job that waited maxAgeHours outranks any later job whatever the accounts' usage");
        assertTrue(Files.readString(dir.resolve("out/t.json")).contains("\"usageHalfLifeHours\" : 168.0"), "the JSON states it too");
    }

    @Test
    void fairShareStartsALightGroupsJobBeforeAHeavyGroupsBacklog() throws IOException {
        Workload workload = TraceSwfBench.workload(read(trace(HEAVY_GROUP_THEN_LIGHT_GROUP)));
        Map<Long, Long> easy = startTimes(workload, SchedulingPolicy.EASY);
        Map<Long, Long> labq = startTimes(workload, SchedulingPolicy.LABQ);
        assertEquals(400L, easy.get(5L), "easy: behind the three queued jobs of group 1");
        assertEquals(100L, labq.get(5L), "labq: group 2 has used nothing, group 1 has run 400 CPU-seconds");
        assertEquals(List.of(200L, 300L, 400L), List.of(labq.get(2L), labq.get(3L), labq.get(4L)), "group 1's own order is kept");
        assertTrue(output().isEmpty());
        assertEquals(BenchMain.OK, run(trace(HEAVY_GROUP_THEN_LIGHT_GROUP)), stderr::toString);
        assertTrue(output().contains("why: by groups: the 1 that did half the work submitted 4 of the 5 jobs, the other 1 the rest"), output());
    }

    @Test
    void withoutGroupsFairShareActsBetweenUsers() throws IOException {
        String oneGroup = HEAVY_GROUP_THEN_LIGHT_GROUP.replace(" 1 2 2 -1", " 1 2 1 -1"); // user 2 in group 1 too
        SwfTrace trace = read(trace(oneGroup));
        Workload workload = TraceSwfBench.workload(trace);
        assertEquals(Set.of("g1"), workload.config().projects().keySet());
        assertEquals(100L, startTimes(workload, SchedulingPolicy.LABQ).get(5L), "user 2 has used nothing of group 1's usage");
        assertEquals(BenchMain.OK, run(trace(oneGroup)), stderr::toString);
        assertTrue(output().contains("why: by users (the trace has one group): the 1 that did half the work"), output());
    }

    @Test
    void withOneAccountLabqIsEasy() throws IOException {
        String oneAccount = HEAVY_GROUP_THEN_LIGHT_GROUP.replace(" 1 2 2 -1", " 1 1 1 -1");
        assertEquals(BenchMain.OK, run(trace(oneAccount)), stderr::toString);
        assertTrue(output().contains("why: one account"), output());
        assertEquals(results().get("swf.easy.avg_bounded_slowdown"), results().get("swf.labq.avg_bounded_slowdown"));
        assertEquals(results().get("swf.easy.avg_wait_s"), results().get("swf.labq.avg_wait_s"));
    }

    @Test
    void skipReplaysALaterSliceFromTimeZero() throws IOException {
        Path file = trace(HEAVY_GROUP_THEN_LIGHT_GROUP);
        SwfTrace slice = SwfTrace.read(file, 3, Integer.MAX_VALUE, SwfTrace.Estimate.REQUESTED);
        assertEquals(List.of(0L, 7L), slice.jobs().stream().map(TraceJob::submitSeconds).toList(), "job lines 4 and 5, from 0 s");
        assertEquals(List.of(1L, 2L), slice.jobs().stream().map(TraceJob::id).toList());
        assertEquals(BenchMain.OK, run(file, "--skip", "3"), stderr::toString);
        assertTrue(output().contains("slice: from job line 4 of the file (--skip 3)"), output());
        assertTrue(output().contains("trace-swf: t.swf, 2 jobs"), output());
        stdout.reset();
        assertEquals(BenchMain.USAGE, run(file, "--skip", "5"));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("no job to replay (--skip 5, then"), stderr::toString);
    }
}
