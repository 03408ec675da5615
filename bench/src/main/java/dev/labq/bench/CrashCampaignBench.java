package dev.labq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The long crash campaign of issue 4: N trials of {@link CrashTrial}, each a scheduler JVM killed with
 * kill -9 at a random point of a submit burst and its dispatching (once or twice), then recovered here.
 *
 * <pre>
 *   child JVM: scheduler ── submit burst ── "ACK id" lines ──▶ this JVM ── kill -9 at a random point
 *   this JVM:  scheduler on the same home ── runs every job to its end ── checks journal and views
 * </pre>
 *
 * <p>Arguments: {@code --trials N} (default 1,000; 5 with --quick) and {@code --seed S} (default: the time;
 * trial t uses S + t). Prints every failing trial with its seed, then the totals; lost, double starts and
 * view mismatches must all be 0. Exit code 1 when any is not.
 */
public final class CrashCampaignBench implements Harness {
    private static final String USAGE = "usage: crash-campaign [--trials N] [--seed S]";

    @Override
    public String summary() {
        return "kill -9 a scheduler JVM at random points N times; counts lost acknowledged jobs, double starts, view mismatches";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--trials", "--seed"));
        int trials = given.wholeNumber("--trials", quick ? 5 : 1_000, 1);
        long seed = given.longNumber("--seed", System.nanoTime());
        out.printf(Locale.ROOT, "crash-campaign: %d trials, seed %d (trial t uses seed+t)%n", trials, seed);
        long acknowledged = 0;
        long lost = 0;
        long doubleStarts = 0;
        long mismatches = 0;
        long started = System.nanoTime();
        try {
            for (int t = 0; t < trials; t++) {
                Path home = Files.createTempDirectory("labq-crash-" + t + "-");
                CrashTrial.Result r = CrashTrial.run(home, seed + t);
                acknowledged += r.acknowledged();
                lost += r.lost().size();
                doubleStarts += r.doubleStarts().size();
                mismatches += r.viewDifferences().size();
                if (r.clean()) {
                    delete(home);
                } else {
                    out.printf(Locale.ROOT, "trial %d seed=%d FAILED (kills: %s; home kept: %s)%n", t, r.seed(), r.killPoints(), home);
                    r.lost().forEach(p -> out.println("  lost: " + p));
                    r.doubleStarts().forEach(p -> out.println("  double start: " + p));
                    r.viewDifferences().forEach(p -> out.println("  view mismatch: " + p));
                }
                if ((t + 1) % 10 == 0 || t + 1 == trials) {
                    out.printf(Locale.ROOT, "  %d/%d trials, %d acknowledged, %.0f s%n", t + 1, trials, acknowledged,
                            (System.nanoTime() - started) / 1e9);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        out.printf(Locale.ROOT, "%n%-22s %10s%n", "trials", trials);
        out.printf(Locale.ROOT, "%-22s %10d%n%-22s %10d%n%-22s %10d%n%-22s %10d%n", "acknowledged", acknowledged,
                "lost", lost, "double starts", doubleStarts, "view mismatches", mismatches);
        ResultLines results = new ResultLines(out);
        results.metric("crash.trials", trials, "count");
        results.metric("crash.acknowledged", acknowledged, "count");
        results.metric("crash.lost", lost, "count");
        results.metric("crash.double_starts", doubleStarts, "count");
        results.metric("crash.view_mismatches", mismatches, "count");
        return lost + doubleStarts + mismatches == 0 ? BenchMain.OK : BenchMain.FAILED;
    }

    private static void delete(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
