package dev.labq.bench;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobTable;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long one scheduling decision takes with N jobs waiting, for labq's {@link DecisionCore} and for the
 * {@link SortEveryDecisionQueue} baseline (copy and sort all pending jobs on every decision), measured in the same run
 * on the same decisions.
 *
 * <pre>
 *   steady state: machine full, N ready jobs waiting
 *
 *   a running job ends ─▶ [ apply Finished ─▶ decide() ─▶ apply each Dispatched ] ─▶ submit as many as started
 *                         └──────────── timed with System.nanoTime ────────────┘     (untimed: N stays N)
 *                           labq: every decision; baseline: every k-th, k ≈ N/500,
 *                           same state, must pick the same jobs
 * </pre>
 *
 * <p>The workload is {@link JobMix} on {@link JobMix#MACHINE}. Both deciders are first run untimed at
 * N=1000 so that JIT compilation is over; then each N gets a warm-up and a timed window of decisions in which
 * labq's every decision and the baseline's sampled ones are recorded. A baseline decision costs O(N log N),
 * hence the sampling. The loop is closed (a decision starts when the previous one ends), so there is no
 * coordinated omission to correct.
 *
 * <p>Arguments: {@code --sizes 1000,10000,100000 --decisions 20000 --warmup 20000 --seed 42 --limits minutes
 * --baseline-every K}. The baseline's decisions sort N jobs and evict labq's data from the CPU caches, so
 * the labq decision after one runs cold; {@code --baseline-every} samples it less often to show labq warm.
 */
public final class DecisionLatencyBench implements Harness {
    private static final List<Integer> SIZES = List.of(1_000, 10_000, 100_000);
    private static final List<Integer> QUICK_SIZES = List.of(1_000, 10_000);
    /** k = N / this: the baseline decides on one decision in k, since each of its decisions sorts all N jobs. */
    private static final int BASELINE_JOBS_PER_SAMPLE = 500;
    private static final long NANOS_PER_MS = 1_000_000L;

    @Override
    public String summary() {
        return "latency of one DecisionCore decision (finish, decide, journal dispatches) with N pending, "
                + "vs sort-everything-per-decision";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        Options options = Options.parse(args, quick);
        String prefix = options.limits == JobMix.TimeLimits.MINUTES ? "decision" : "decision." + options.limits.key() + "_limits";
        out.println("decision-latency: one decision = apply Finished + decide() + apply its Dispatched entries,");
        out.println("  machine full, N ready jobs kept waiting, virtual clock (1 s per decision); machine " + JobMix.MACHINE_TEXT);
        out.println("  policy " + JobMix.CONFIG.scheduler().policy() + ", backfill " + JobMix.CONFIG.scheduler().backfill()
                + ", config/labq.yaml's projects, shares and budget, every priority recomputed every "
                + JobMix.CONFIG.priority().recomputeSeconds() + " s; time limits: " + options.limits.key());
        out.printf(Locale.ROOT, "  %s run: per N, warm-up %d then %d timed decisions; the baseline decides on every k-th%n",
                quick ? "quick" : "full", options.warmup, options.decisions);
        out.println();
        out.printf(Locale.ROOT, "%8s  %-19s %5s %7s %10s %10s %10s %10s %10s  %9s %6s%n",
                "N", "decider", "k", "timed", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us", "starts/d", "idle");

        prime(options.seed, quick, options.limits);
        List<Row> rows = new ArrayList<>();
        for (int n : options.sizes) {
            int every = options.baselineEvery > 0 ? options.baselineEvery : baselineEvery(n, options.decisions, quick ? 50 : 100);
            SteadyState state = steadyState(n, options.seed, options.limits);
            for (int i = 0; i < options.warmup; i++) {
                state.step(false);
            }
            // Garbage from the set-up and the warm-up should not be collected inside the timed decisions.
            System.gc();
            Window labq = new Window();
            Window baseline = new Window();
            long rekeyedBefore = state.labq().rekeyedCount();
            for (int i = 0; i < options.decisions; i++) {
                boolean sample = i % every == every - 1;
                int started = state.step(sample);
                labq.record(state.labqNanos(), started);
                if (sample) {
                    baseline.record(state.baselineNanos(), started);
                }
            }
            double rekeyed = (double) (state.labq().rekeyedCount() - rekeyedBefore) / options.decisions;
            labq.print(out, n, "labq", 1);
            baseline.print(out, n, "baseline", every);
            int groups = state.labq().readyGroups();
            out.printf(Locale.ROOT, "%8s  ready-index groups at the end: %,d (distinct project, user, key rate, resources); "
                    + "jobs re-keyed per decision: %.1f%n", "", groups, rekeyed);
            rows.add(new Row(n, labq.latency, baseline.latency, groups, rekeyed));
        }
        out.println();
        out.println("baseline = SortEveryDecisionDecider: compute every ready job's priority, sort all, start and backfill by a scan of");
        out.println("  the sorted list; it decided on every k-th decision of the same window, and chose what labq chose (checked).");
        out.println("re-keyed = jobs whose key line ended (deadline urgency due for a refresh, age at its cap) and were keyed again.");
        out.println("starts/d = jobs started per decision; idle = decisions where the head of the queue did not fit.");
        out.println();

        ResultLines results = new ResultLines(out);
        for (Row row : rows) {
            results.compared(prefix + ".p50." + row.n, ms(row.labq, 50), ms(row.baseline, 50), "ms");
            results.compared(prefix + ".p99." + row.n, ms(row.labq, 99), ms(row.baseline, 99), "ms");
            results.metric(prefix + ".p99_9." + row.n, ms(row.labq, 99.9), "ms");
            results.metric(prefix + ".groups." + row.n, row.groups, "count");
            results.metric(prefix + ".rekeyed_per_decision." + row.n, row.rekeyed, "count");
        }
        return BenchMain.OK;
    }

    /**
     * Runs both deciders untimed at N=1000 before the first measured size. Without it the first size's labq
     * figures included JIT compilation (p50 2.3 us at N=1000 measured first, 0.4 us measured again after).
     */
    private static void prime(long seed, boolean quick, JobMix.TimeLimits limits) {
        SteadyState state = steadyState(1_000, seed + 1, limits);
        int decisions = quick ? 10_000 : 50_000;
        for (int i = 0; i < decisions; i++) {
            state.step(i % 10 == 0);
        }
    }

    private static SteadyState steadyState(int n, long seed, JobMix.TimeLimits limits) {
        return new SteadyState(labq(), baseline(), n, seed, limits);
    }

    /** labq's decider with {@link JobMix#CONFIG}: its default policy (multifactor), budgets and EASY backfill. */
    static DecisionCore labq() {
        LabqConfig config = JobMix.CONFIG;
        return new DecisionCore(config, new JobTable(), new UsageLedger(config), new ResourcePool(JobMix.MACHINE),
                PriorityPolicy.configured(config), RuntimePredictor.timeLimit());
    }

    /** The baseline with the same configuration, policy and budgets. */
    static SortEveryDecisionDecider baseline() {
        return new SortEveryDecisionDecider(JobMix.CONFIG, JobMix.MACHINE, PriorityPolicy.configured(JobMix.CONFIG));
    }

    /** k: the baseline decides once per N/500 decisions, but at least {@code floor} times in the window. */
    static int baselineEvery(int n, int decisions, int floor) {
        int every = Math.max(1, (n + BASELINE_JOBS_PER_SAMPLE - 1) / BASELINE_JOBS_PER_SAMPLE);
        return Math.max(1, Math.min(every, decisions / floor));
    }

    private static double ms(Histogram h, double percentile) {
        return (double) h.getValueAtPercentile(percentile) / NANOS_PER_MS;
    }

    /** The latencies of one decider over the timed window, with what its decisions did. */
    private static final class Window {
        final Histogram latency = new Histogram(1, 60_000 * NANOS_PER_MS, 3);
        long starts;
        long idle;

        void record(long nanos, int started) {
            latency.recordValue(nanos);
            starts += started;
            if (started == 0) {
                idle++;
            }
        }

        void print(PrintStream out, int n, String decider, int every) {
            long count = latency.getTotalCount();
            if (count == 0) {
                out.printf(Locale.ROOT, "%8d  %-19s %5d %7d%n", n, decider, every, 0);
                return;
            }
            out.printf(Locale.ROOT, "%8d  %-19s %5d %7d %10.2f %10.2f %10.2f %10.2f %10.2f  %9.2f %5.1f%%%n",
                    n, decider, every, count, us(50), us(90), us(99), us(99.9), latency.getMaxValue() / 1e3,
                    (double) starts / count, 100.0 * idle / count);
        }

        private double us(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e3;
        }
    }

    private record Row(int n, Histogram labq, Histogram baseline, int groups, double rekeyed) {
    }

    /** The harness's arguments, with the quick or full defaults. */
    private record Options(List<Integer> sizes, int decisions, int warmup, long seed, JobMix.TimeLimits limits,
                           int baselineEvery) {
        static Options parse(List<String> args, boolean quick) {
            HarnessArgs given = HarnessArgs.parse(args, hint(),
                    List.of("--sizes", "--decisions", "--warmup", "--seed", "--limits", "--baseline-every"));
            return new Options(given.wholeNumbers("--sizes", quick ? QUICK_SIZES : SIZES, 1),
                    given.wholeNumber("--decisions", quick ? 5_000 : 20_000, 1),
                    given.wholeNumber("--warmup", quick ? 5_000 : 20_000, 0),
                    given.longNumber("--seed", 42),
                    given.choice("--limits", JobMix.TimeLimits.MINUTES),
                    given.wholeNumber("--baseline-every", 0, 0));
        }

        private static String hint() {
            return "usage: bench/run decision-latency [--sizes 1000,10000] [--decisions 20000] [--warmup 20000] [--seed 42]"
                    + " [--limits minutes|round] [--baseline-every K (0: N/500)]";
        }
    }
}
