package dev.labq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator's harnesses on small slices of the shipped traces: output contract and files, never figures. */
class SimulationHarnessesTest {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\d+\\.\\d+|inf) (\\S+)");
    private static final List<String> METRICS = List.of("avg_bounded_slowdown", "avg_wait_s", "p95_wait_s", "utilization",
            "utilization_bound", "budget_violations");

    @TempDir
    Path out;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    /** Runs a harness; surefire runs in the bench module, where the traces are under workloads/. */
    private Map<String, String> run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", out.toString()));
        int code = BenchMain.run(all, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(BenchMain.OK, code, stderr::toString);
        Map<String, String> results = new HashMap<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (line.startsWith("RESULT")) {
                Matcher m = RESULT.matcher(line);
                assertTrue(m.matches(), () -> "not RESULT <metric> <value> <unit>: '" + line + "'");
                results.put(m.group(1), m.group(2));
            }
        }
        return results;
    }

    private static void assertPolicies(Map<String, String> results, String prefix, List<String> policies) {
        for (String policy : policies) {
            for (String metric : METRICS) {
                String name = prefix + "." + policy + "." + metric;
                assertTrue(results.containsKey(name), () -> name + " missing from " + results.keySet());
            }
        }
        assertTrue(results.containsKey(prefix + ".labq.avg_bounded_slowdown.baseline"));
        assertTrue(results.containsKey(prefix + ".labq.avg_bounded_slowdown.ratio"));
        assertEquals("0.000000", results.get(prefix + ".labq.budget_violations"), "no budgets configured");
    }

    @Test
    void traceSwfComparesThePoliciesWithTheRecordedProductionWaits() {
        Map<String, String> results = run("trace-swf", "--trace", "workloads/KTH-SP2-1996-2.1-cln.swf.gz", "--jobs", "400");
        assertPolicies(results, "swf", List.of("fcfs", "easy", "labq", "production"));
        assertTrue(Files.exists(out.resolve("KTH-SP2-1996-2.1-cln.json")));
        assertTrue(Files.exists(out.resolve("KTH-SP2-1996-2.1-cln.labq.jobs.jsonl")));
    }

    @Test
    void tracePipelinesReportsDeadlinesAndGpuUse() throws Exception {
        Map<String, String> results = run("trace-pipelines", "--pipelines", "30", "--days", "1", "--seed", "3");
        assertPolicies(results, "pipelines", List.of("fcfs", "easy", "labq"));
        assertTrue(results.containsKey("pipelines.labq.deadline_misses"));
        assertTrue(results.containsKey("pipelines.labq.gpu_utilization_saturated"));
        String json = Files.readString(out.resolve("pipelines.json"));
        assertTrue(json.contains("\"metrics\"") && json.contains("\"labq\""), json);
        String firstJob = Files.readAllLines(out.resolve("pipelines.easy.jobs.jsonl")).get(0);
        assertTrue(firstJob.contains("\"state\":\"COMPLETED\"") && firstJob.contains("\"startMillis\""), firstJob);
    }

    @Test
    void traceGpuReportsAllocationAtFirstRefusalAgainstFirstFit() {
        Map<String, String> results = run("trace-gpu", "--nodes", "workloads/alibaba-gpu-v2023_openb_node_list_gpu_node.csv",
                "--pods", "workloads/alibaba-gpu-v2023_openb_pod_list_default.csv", "--jobs", "300");
        assertPolicies(results, "gpu", List.of("fcfs", "easy", "labq", "production"));
        assertTrue(results.containsKey("gpu.labq.gpu_alloc_at_first_refusal"));
        assertTrue(results.containsKey("gpu.labq.gpu_alloc_at_first_refusal.baseline"));
        assertTrue(results.containsKey("gpu.labq.gpu_alloc_at_first_refusal.ratio"));
    }

    @Test
    void badArgumentsAreUsageErrorsNamingThem() {
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        PrintStream quiet = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        assertEquals(BenchMain.USAGE, BenchMain.run(List.of("trace-swf", "--jobs", "0"), quiet, err));
        assertEquals(BenchMain.USAGE, BenchMain.run(List.of("trace-swf", "--trace", "no-such.swf"), quiet, err));
        assertEquals(BenchMain.USAGE, BenchMain.run(List.of("trace-pipelines", "--seed", "x"), quiet, err));
        assertEquals(BenchMain.USAGE, BenchMain.run(List.of("trace-gpu", "--colour", "red"), quiet, err));
        assertEquals(BenchMain.USAGE, BenchMain.run(List.of("trace-gpu", "--jobs"), quiet, err));
        String messages = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(messages.contains("--jobs=0 must be 1 or more") && messages.contains("no-such.swf: no such file")
                && messages.contains("--seed=x is not a whole number") && messages.contains("unknown argument --colour")
                && messages.contains("--jobs has no value"), messages);
    }
}
