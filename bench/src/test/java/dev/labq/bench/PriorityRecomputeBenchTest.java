package dev.labq.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** priority-recompute's output contract; timings are never asserted. */
class PriorityRecomputeBenchTest {
    private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\d+\\.\\d+|inf) (\\S+)");

    @Test
    void reportsEachChangeWithItsBaselineAndTheTreeRebuild() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(List.of("priority-recompute", "--sizes", "300", "--changes", "10", "--warmup", "50"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(BenchMain.OK, code, err::toString);
        List<String> metrics = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
            if (line.startsWith("RESULT")) {
                Matcher m = RESULT.matcher(line);
                assertTrue(m.matches(), line);
                metrics.add(m.group(1));
            }
        }
        List<String> expected = new ArrayList<>();
        for (String change : List.of("deadline_change", "share_change", "importance_change", "full_recompute")) {
            for (String p : List.of("p50", "p99")) {
                String metric = "priority." + change + "." + p + ".300";
                expected.addAll(List.of(metric, metric + ".baseline", metric + ".ratio"));
            }
        }
        expected.addAll(List.of("priority.tree_rebuild.p50.300", "priority.tree_rebuild.p99.300"));
        assertEquals(expected, metrics);
    }

    @Test
    void rejectsAZeroSize() {
        int code = BenchMain.run(List.of("priority-recompute", "--sizes", "0"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(BenchMain.USAGE, code);
    }
}
