package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobTable;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long one scheduling decision takes with N jobs waiting, for labq's {@link DecisionCore} and for the
 * {@link NaiveDecision} baseline (copy and sort all pending jobs on every decision), measured in the same run.
 *
 * <pre>
 *   steady state: machine full, N ready jobs waiting
 *
 *   pick a running job ──▶ [ apply Finished ─▶ decide() ─▶ apply each Dispatched ] ──▶ submit as many as started
 *                          └──────────── timed with System.nanoTime ────────────┘      (untimed: N stays N)
 * </pre>
 *
 * <p>The workload is {@link JobMix} on {@link JobMix#MACHINE}, the same seed for both deciders; the harness
 * checks they dispatched the same jobs in the same order, so the ratio compares equal work. Both deciders
 * are first run untimed at N=1000 so that JIT compilation is over, then each (decider, N) gets its own
 * warm-up; the baseline gets fewer decisions at large N (its decisions cost
 * O(N log N)), scaled so a full run stays near a minute. The loop is closed (a decision starts when the
 * previous one ends), so there is no coordinated omission to correct.
 *
 * <p>Arguments: {@code --sizes 1000,10000,100000 --decisions 20000 --warmup 20000 --seed 42}.
 */
public final class DecisionLatencyBench implements Harness {
    private static final List<Integer> SIZES = List.of(1_000, 10_000, 100_000);
    private static final List<Integer> QUICK_SIZES = List.of(1_000, 10_000);
    /** Sizes whose figures are RESULT lines with a baseline: the contract CI reads. */
    private static final List<Integer> REPORTED = List.of(1_000, 10_000, 100_000);
    private static final long NANOS_PER_MS = 1_000_000L;

    @Override
    public String summary() {
        return "latency of one DecisionCore decision (finish, decide, journal dispatches) with N pending, "
                + "vs sort-everything-per-decision";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        Options options = Options.parse(args, quick);
        out.println("decision-latency: one decision = apply Finished + decide() + apply its Dispatched; machine full,");
        out.println("  N ready jobs kept waiting; virtual clock; machine " + JobMix.MACHINE_TEXT);
        out.printf(Locale.ROOT, "  %s; labq: warm-up %d, timed %d decisions per N; baseline: fewer at large N (see timed)%n",
                quick ? "quick" : "full", options.warmup, options.decisions);
        out.println();
        out.printf(Locale.ROOT, "%8s  %-9s %7s %10s %10s %10s %10s %10s  %9s %6s%n",
                "N", "decider", "timed", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "starts/d", "idle");

        prime(options, quick);
        List<Row> rows = new ArrayList<>();
        for (int n : options.sizes) {
            int naiveDecisions = scaled(options.decisions, 500, n, quick ? 50 : 100);
            int naiveWarmup = scaled(options.warmup, 100, n, quick ? 10 : 20);

            SteadyState labq = labq(n, options.seed);
            labq.markAt(naiveWarmup + naiveDecisions);
            Histogram labqLatency = measure(labq, options.warmup, options.decisions);
            SteadyState naive = naive(n, options.seed);
            Histogram naiveLatency = measure(naive, naiveWarmup, naiveDecisions);
            if (labq.markedChecksum() != naive.checksum()) {
                throw new IllegalStateException("N=" + n + ": labq and the baseline dispatched different jobs"
                        + " (checksum " + labq.markedChecksum() + " vs " + naive.checksum() + "); the ratio would compare unequal work");
            }
            print(out, n, "labq", labqLatency, labq);
            print(out, n, "baseline", naiveLatency, naive);
            rows.add(new Row(n, labqLatency, naiveLatency));
        }
        out.println();
        out.println("baseline = NaiveDecision: copy all pending jobs, sort with the same policy comparator, take from the top.");
        out.println("Both decided the same jobs in the same order (checked). starts/d = dispatches per decision;");
        out.println("idle = share of decisions where the head of the queue did not fit and nothing started.");
        out.println();

        ResultLines results = new ResultLines(out);
        for (Row row : rows) {
            if (!REPORTED.contains(row.n)) {
                continue;
            }
            results.compared("decision.p50." + row.n, ms(row.labq, 50), ms(row.baseline, 50), "ms");
            results.compared("decision.p99." + row.n, ms(row.labq, 99), ms(row.baseline, 99), "ms");
        }
        return BenchMain.OK;
    }

    /**
     * Runs both deciders untimed at N=1000 before the first measured size. Without it the first size's labq
     * figures included JIT compilation: p50 2.3 us at N=1000 measured first, 0.4 us measured again later.
     */
    private static void prime(Options options, boolean quick) {
        int decisions = quick ? 10_000 : 50_000;
        measure(labq(1_000, options.seed + 1), decisions, 0);
        measure(naive(1_000, options.seed + 1), decisions / 25, 0);
    }

    private static SteadyState labq(int n, long seed) {
        PriorityPolicy policy = new ImportanceDeadlineAgePolicy(JobMix.CONFIG);
        DecisionCore core = new DecisionCore(new JobTable(), new ResourcePool(JobMix.MACHINE), policy);
        return new SteadyState(Decider.of(core), n, seed);
    }

    private static SteadyState naive(int n, long seed) {
        PriorityPolicy policy = new ImportanceDeadlineAgePolicy(JobMix.CONFIG);
        return new SteadyState(new NaiveDecision(new JobTable(), new ResourcePool(JobMix.MACHINE), policy), n, seed);
    }

    /**
     * Baseline decisions at {@code n}: all {@code count} up to N = {@code fullUpToN}, then shrinking as 1/N,
     * never below {@code floor}. A baseline decision sorts all N pending jobs (about 0.6 us a job here), so a fixed count
     * would take minutes at N=100,000. Its warm-up can be short: the sort is compiled after the first size.
     */
    private static int scaled(int count, int fullUpToN, int n, int floor) {
        long scaledCount = (long) count * fullUpToN / n;
        return (int) Math.max(Math.min(floor, count), Math.min(count, scaledCount));
    }

    private static Histogram measure(SteadyState state, int warmup, int decisions) {
        for (int i = 0; i < warmup; i++) {
            state.step();
        }
        // Garbage left by the set-up and warm-up should not be collected inside the timed decisions.
        System.gc();
        Histogram histogram = new Histogram(1, 60_000 * NANOS_PER_MS, 3);
        for (int i = 0; i < decisions; i++) {
            histogram.recordValue(state.step());
        }
        return histogram;
    }

    private static void print(PrintStream out, int n, String decider, Histogram h, SteadyState state) {
        out.printf(Locale.ROOT, "%8d  %-9s %7d %10.2f %10.2f %10.2f %10.2f %10.2f  %9.2f %5.1f%%%n",
                n, decider, h.getTotalCount(), us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), h.getMaxValue() / 1e3,
                (double) state.dispatches() / state.steps(), 100.0 * state.idleSteps() / state.steps());
    }

    private static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }

    private static double ms(Histogram h, double percentile) {
        return (double) h.getValueAtPercentile(percentile) / NANOS_PER_MS;
    }

    private record Row(int n, Histogram labq, Histogram baseline) {
    }

    /** The harness's arguments, with the quick or full defaults. */
    private record Options(List<Integer> sizes, int decisions, int warmup, long seed) {
        static Options parse(List<String> args, boolean quick) {
            List<Integer> sizes = quick ? QUICK_SIZES : SIZES;
            int decisions = quick ? 5_000 : 20_000;
            int warmup = quick ? 5_000 : 20_000;
            long seed = 42;
            for (int i = 0; i < args.size(); i += 2) {
                String name = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value", hint());
                }
                String value = args.get(i + 1);
                try {
                    switch (name) {
                        case "--sizes" -> sizes = parseSizes(value);
                        case "--decisions" -> decisions = positive(name, Integer.parseInt(value));
                        case "--warmup" -> warmup = Math.max(0, Integer.parseInt(value));
                        case "--seed" -> seed = Long.parseLong(value);
                        default -> throw new UsageException("unknown argument " + name, hint());
                    }
                } catch (NumberFormatException e) {
                    throw new UsageException(name + "=" + value + " is not a whole number", hint());
                }
            }
            return new Options(sizes, decisions, warmup, seed);
        }

        private static List<Integer> parseSizes(String value) {
            List<Integer> sizes = new ArrayList<>();
            for (String part : value.split(",")) {
                sizes.add(positive("--sizes", Integer.parseInt(part.trim())));
            }
            return List.copyOf(sizes);
        }

        private static int positive(String name, int value) {
            if (value < 1) {
                throw new UsageException(name + "=" + value + " must be 1 or more", hint());
            }
            return value;
        }

        private static String hint() {
            return "usage: bench/run decision-latency [--sizes 1000,10000] [--decisions 20000] [--warmup 20000] [--seed 42]";
        }
    }
}
