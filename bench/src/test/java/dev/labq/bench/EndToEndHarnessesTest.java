package dev.labq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The four end-to-end harnesses run the real scheduler in quick mode, made smaller still by their arguments so
 * the suite stays short, and end with well-formed RESULT lines; wrong arguments exit 2 with a one-line reason.
 * Timings are never asserted: they depend on the machine.
 */
@Timeout(120)
class EndToEndHarnessesTest {
    /** A signed value: an overhead can come out below zero on a noisy machine. */
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (-?\\d+\\.\\d+) (\\S+)");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return BenchMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The RESULT lines, metric to unit, in order, after checking they end the output and are well formed. */
    private Map<String, String> results() {
        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
        int first = 0;
        while (first < lines.size() && !lines.get(first).startsWith("RESULT")) {
            first++;
        }
        assertTrue(first > 0 && first < lines.size(), () -> "a table, then RESULT lines:\n" + out);
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : lines.subList(first, lines.size())) {
            Matcher m = RESULT.matcher(line);
            assertTrue(m.matches(), () -> "not RESULT <metric> <value> <unit>: '" + line + "'");
            double value = Double.parseDouble(m.group(2));
            boolean mayBeNegative = m.group(1).equals("e2e.overhead.pct") || m.group(1).equals("e2e.overhead.per_job");
            assertTrue(Double.isFinite(value) && (mayBeNegative || value >= 0), () -> "not a usable number: " + line);
            assertTrue(results.put(m.group(1), m.group(3)) == null, () -> "metric printed twice: " + line);
        }
        return results;
    }

    /** {@code metric} and, when {@code baseline}, its .baseline in the same unit and its .ratio in x. */
    private static List<String> expect(Map<String, String> expected, String metric, String unit, boolean baseline) {
        expected.put(metric, unit);
        if (baseline) {
            expected.put(metric + ".baseline", unit);
            expected.put(metric + ".ratio", "x");
        }
        return List.copyOf(expected.keySet());
    }

    @Test
    void submitLatencyReportsEachRate() {
        assertEquals(BenchMain.OK, run("--quick", "submit-latency", "--rate", "100,300", "--seconds", "1", "--warmup", "0"),
                err::toString);

        Map<String, String> expected = new LinkedHashMap<>();
        for (String rate : List.of("100", "300")) {
            expect(expected, "e2e.submit.p50." + rate, "ms", false);
            expect(expected, "e2e.submit.p99." + rate, "ms", false);
            for (String statistic : List.of("p50", "p90", "p99", "p999", "max")) {
                expect(expected, "e2e.dispatch." + statistic + "." + rate, "ms", false);
            }
            expect(expected, "e2e.task_start.p99." + rate, "ms", false);
            expect(expected, "e2e.submit.achieved." + rate, "jobs/s", false);
            expect(expected, "e2e.hiccup.max." + rate, "ms", false);
        }
        assertEquals(expected, results());
    }

    @Test
    void throughputReportsApiWithItsJournalBaselineAndDirectClients() {
        assertEquals(BenchMain.OK, run("--quick", "throughput", "--jobs", "400", "--threads", "2", "--direct-jobs", "100"),
                err::toString);

        Map<String, String> expected = new LinkedHashMap<>();
        expect(expected, "e2e.submit.throughput", "jobs/s", true);
        expect(expected, "e2e.submit.acked_throughput", "jobs/s", false);
        expect(expected, "e2e.submit.direct.throughput", "jobs/s", false);
        assertEquals(expected, results());
    }

    @Test
    void throughputLeavesOutDirectClientsWhenAskedForNone() {
        assertEquals(BenchMain.OK, run("--quick", "throughput", "--jobs", "100", "--threads", "1", "--direct-jobs", "0"),
                err::toString);

        assertTrue(!results().containsKey("e2e.submit.direct.throughput"), out::toString);
    }

    @Test
    void restartTimeReportsBothCasesPerSize() {
        assertEquals(BenchMain.OK, run("--quick", "restart-time", "--sizes", "200,800", "--runs", "1"), err::toString);

        Map<String, String> expected = new LinkedHashMap<>();
        for (String size : List.of("200", "800")) {
            expect(expected, "e2e.restart.tail." + size, "ms", false);
            expect(expected, "e2e.restart.rebuild." + size, "ms", false);
        }
        assertEquals(expected, results());
    }

    @Test
    void overheadComparesRealProcessesWithProcessBuilder() {
        assertEquals(BenchMain.OK, run("--quick", "overhead", "--jobs", "4", "--concurrency", "2", "--duration", "0.05"),
                err::toString);

        Map<String, String> expected = new LinkedHashMap<>();
        expect(expected, "e2e.overhead.pct", "%", false);
        expect(expected, "e2e.overhead.wall", "s", true);
        expect(expected, "e2e.overhead.per_job", "ms", false);
        expect(expected, "e2e.overhead.start_delay.p50", "ms", true);
        expect(expected, "e2e.overhead.start_delay.p99", "ms", true);
        assertEquals(expected, results());
    }

    @Test
    void everyEndToEndHarnessIsListed() {
        List<String> names = new ArrayList<>(BenchMain.HARNESSES.keySet());
        assertTrue(names.containsAll(List.of("submit-latency", "throughput", "restart-time", "overhead")), names::toString);
    }

    @Test
    void wrongArgumentsExitWithUsageNamingTheArgumentAndValue() {
        assertUsage(List.of("submit-latency", "--rate", "fast"), "--rate=fast is not a whole number",
                "usage: bench/run submit-latency");
        assertUsage(List.of("submit-latency", "--rate", "100,0"), "--rate=0 must be 1 or more",
                "usage: bench/run submit-latency");
        assertUsage(List.of("throughput", "--threads", "0"), "--threads=0 must be 1 or more", "usage: bench/run throughput");
        assertUsage(List.of("throughput", "--jobs"), "--jobs has no value", "usage: bench/run throughput");
        assertUsage(List.of("restart-time", "--sizes", "1000,lots"), "--sizes=lots is not a whole number",
                "usage: bench/run restart-time");
        assertUsage(List.of("restart-time", "--sizes", "2"), "--sizes=2 must be 4 or more", "usage: bench/run restart-time");
        assertUsage(List.of("overhead", "--duration", "-1"), "--duration=-1 must be a number above 0", "usage: bench/run overhead");
        assertUsage(List.of("overhead", "--jobz", "3"), "unknown argument --jobz; use one of --jobs, --concurrency",
                "usage: bench/run overhead");
    }

    private void assertUsage(List<String> args, String reason, String usage) {
        out.reset();
        err.reset();
        assertEquals(BenchMain.USAGE, run(args.toArray(String[]::new)), () -> String.join(" ", args));
        List<String> lines = Arrays.asList(err.toString(StandardCharsets.UTF_8).split("\\R"));
        assertTrue(lines.get(0).startsWith("bench: " + args.get(0) + ": ") && lines.get(0).contains(reason),
                () -> args + " -> " + lines);
        assertTrue(lines.get(1).startsWith(usage), () -> args + " -> " + lines);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing runs before the arguments are checked");
    }
}
