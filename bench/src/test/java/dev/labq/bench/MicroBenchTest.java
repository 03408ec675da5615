package dev.labq.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The micro harness's output contract and arguments. Timings are never asserted: they depend on the machine. */
class MicroBenchTest {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\d+\\.\\d{6}) (\\S+)");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return BenchMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /**
     * Two benchmarks in forked JVMs, one of them on Chronicle Queue, so that a fork missing the classpath or
     * Chronicle's flags fails here rather than in {@code bench/run}. About 10 s.
     */
    @Test
    void quickRunOfTwoBenchmarksEndsWithWellFormedResultLines() {
        int code = run("--quick", "micro", "--include", "DecisionStepBench|JournalAppendBench.appendPreEncodedPayload");
        assertEquals(BenchMain.OK, code, () -> out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));

        List<String> lines = Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R"));
        int firstResult = lines.indexOf(lines.stream().filter(l -> l.startsWith("RESULT")).findFirst().orElseThrow());
        assertTrue(firstResult > 0, "a table for people comes before the RESULT lines");
        assertTrue(lines.subList(0, firstResult).stream().anyMatch(l -> l.startsWith("DecisionStep.finishThenDecide ")),
                "the table names each benchmark");
        Map<String, String> units = new LinkedHashMap<>();
        for (String line : lines.subList(firstResult, lines.size())) {
            Matcher m = RESULT.matcher(line);
            assertTrue(m.matches(), () -> "not RESULT <metric> <value with six decimals> <unit>: '" + line + "'");
            double value = Double.parseDouble(m.group(2));
            assertTrue(value > 0 && Double.isFinite(value), () -> "not a positive number: " + line);
            units.put(m.group(1), m.group(3));
        }
        assertEquals(Map.of("micro.decision_step.finish_then_decide.1000", "us",
                "micro.journal_append.append_pre_encoded_payload", "us"), units,
                "quick runs report pending=1000 only, in microseconds per operation");
    }

    @Test
    void rejectsAnIncludeThatMatchesNothingAndListsTheBenchmarks() {
        assertEquals(BenchMain.USAGE, run("micro", "--include", "NoSuchBenchmark"));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("matches no benchmark") && message.contains("ViewUpdateBench.writeDispatchedJob"), message);
    }

    @Test
    void rejectsAnIncludeThatIsNotARegularExpression() {
        assertEquals(BenchMain.USAGE, run("micro", "--include", "Decision["));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: bench/run [--quick] micro"), err::toString);
    }

    @Test
    void rejectsUnknownArguments() {
        assertEquals(BenchMain.USAGE, run("micro", "--forks", "3"));
        assertEquals(BenchMain.USAGE, run("micro", "--include"));
    }

    @Test
    void appendsOnlyTheChronicleFlagsTheParentJvmLacks() {
        List<String> flags = MicroBench.chronicleFlags();
        assertTrue(flags.contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"),
                () -> "the resource holds the POM's chronicle.flags, filtered at build time: " + flags);
        assertEquals(flags, MicroBench.chronicleFlagsMissingFrom(List.of("-Xmx2g")));
        assertEquals(List.of(), MicroBench.chronicleFlagsMissingFrom(flags));
        assertEquals(List.of(flags.get(0)), MicroBench.chronicleFlagsMissingFrom(flags.subList(1, flags.size())));
    }

    @Test
    void ordersRowsByBenchmarkThenSizeAsNumbers() {
        List<MicroBench.Row> rows = new java.util.ArrayList<>();
        for (String pending : List.of("100000", "1000", "1000000", "10000")) {
            rows.add(new MicroBench.Row("DecisionStep.finishThenDecide", "pending=" + pending, List.of(pending),
                    "micro.decision_step.finish_then_decide." + pending, 1, 0, 1));
        }
        rows.add(new MicroBench.Row("DecisionAlpha.x", "-", List.of(), "micro.decision_alpha.x", 1, 0, 1));
        rows.sort(MicroBench.Row.ORDER);
        assertEquals(List.of("-", "pending=1000", "pending=10000", "pending=100000", "pending=1000000"),
                rows.stream().map(MicroBench.Row::params).toList());
    }

    @Test
    void namesMetricsInSnakeCase() {
        assertEquals("decision_step", MicroBench.Row.snakeCase("DecisionStep"));
        assertEquals("append_pre_encoded_payload", MicroBench.Row.snakeCase("appendPreEncodedPayload"));
    }
}
