package dev.labq.bench;

import org.junit.jupiter.api.Test;

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

/** The output contract of bench/run. Timings are never asserted: they depend on the machine. */
class BenchMainTest {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\d+\\.\\d+) (\\S+)");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return BenchMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> outLines() {
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    @Test
    void quickDecisionLatencyEndsWithWellFormedResultLines() {
        assertEquals(BenchMain.OK, run("--quick", "decision-latency"), err::toString);

        List<String> lines = outLines();
        int firstResult = lines.indexOf(lines.stream().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow());
        assertTrue(firstResult > 0, "a table for people comes before the RESULT lines");
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : lines.subList(firstResult, lines.size())) {
            Matcher m = RESULT.matcher(line);
            assertTrue(m.matches(), () -> "not RESULT <metric> <value> <unit>: '" + line + "'");
            double value = Double.parseDouble(m.group(2));
            assertTrue(value > 0 && Double.isFinite(value), () -> "not a positive number: " + line);
            results.put(m.group(1), m.group(3));
        }

        List<String> expected = new ArrayList<>();
        for (String n : List.of("1000", "10000")) {
            for (String p : List.of("p50", "p99")) {
                String metric = "decision." + p + "." + n;
                assertEquals("ms", results.get(metric), metric);
                assertEquals("ms", results.get(metric + ".baseline"), metric + ".baseline");
                assertEquals("x", results.get(metric + ".ratio"), metric + ".ratio");
                expected.addAll(List.of(metric, metric + ".baseline", metric + ".ratio"));
            }
            assertEquals("ms", results.get("decision.p99_9." + n));
            assertEquals("count", results.get("decision.groups." + n));
            assertEquals("count", results.get("decision.rekeyed_per_decision." + n));
            expected.addAll(List.of("decision.p99_9." + n, "decision.groups." + n,
                    "decision.rekeyed_per_decision." + n));
        }
        assertEquals(expected, List.copyOf(results.keySet()), "quick runs report N=1000 and N=10000 only");
    }

    @Test
    void listsEveryHarnessOnOneLine() {
        assertEquals(BenchMain.OK, run("--list"));
        List<String> lines = outLines();
        assertEquals(BenchMain.HARNESSES.size(), lines.size());
        assertTrue(lines.get(0).startsWith("decision-latency "), lines.get(0));
    }

    @Test
    void rejectsUnknownHarnessWithUsageExitCode() {
        assertEquals(BenchMain.USAGE, run("no-such-harness"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("bench/run --list"), err::toString);
    }

    @Test
    void rejectsBadHarnessArgumentWithHint() {
        assertEquals(BenchMain.USAGE, run("decision-latency", "--sizes", "many"));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("--sizes=many") && message.contains("usage: bench/run decision-latency"), message);
    }

    @Test
    void asksForHarnessWhenNoneNamedOutsideQuickMode() {
        assertEquals(BenchMain.USAGE, run());
        assertEquals(BenchMain.USAGE, run("--verbose"));
    }
}
