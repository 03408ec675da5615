package dev.labq.bench;

import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.JobId;
import dev.labq.core.event.JournalEvent;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a change of priorities costs {@link dev.labq.core.decision.DecisionCore} with N jobs waiting, from the
 * journal entry to the decision that follows it, against the sort-everything baseline doing the same in the
 * same run:
 *
 * <pre>
 *   steady state (as decision-latency: machine full, N ready): a running job ends, decide  (untimed)
 *   then one timed change, in turn:
 *     deadline  ─ apply Altered(job, new deadline) ─▶ decide() ─▶ apply Dispatched   (that job re-keyed)
 *     share      ─ apply ProjectSet(project, share)      ─▶ decide() ─▶ apply Dispatched   (every account re-keyed)
 *     importance ─ apply ProjectSet(project, importance) ─▶ decide() ─▶ apply Dispatched   (that project's jobs re-keyed)
 *     full       ─ recomputeAll()                        ─▶ decide() ─▶ apply Dispatched   (every job re-keyed, as when
 *                                                                                     the highest importance changes)
 *   reference: a TreeSet of every ready job, priorities computed afresh, built from scratch (no decision)
 * </pre>
 *
 * <p>The baseline ({@link SortEveryDecisionDecider}) computes every priority and sorts on each decision, so
 * a change costs it one ordinary decision; it decides on every k-th change of each kind from the same state
 * and must choose what labq chose. The tree rebuild is what one ordered tree of all jobs (labq's queue before
 * the grouped index) pays for a change that reorders everyone.
 *
 * <p>Arguments: {@code --sizes 10000,100000 --changes 200 --warmup 2000 --seed 42 --limits minutes} ({@code round}:
 * {@link JobMix.TimeLimits}; its metrics are named {@code priority.round_limits.*}). {@code --quick}: N = 1,000
 * and 10,000, 30 changes of each kind.
 */
public final class PriorityRecomputeBench implements Harness {
    private static final List<Integer> SIZES = List.of(10_000, 100_000);
    private static final List<Integer> QUICK_SIZES = List.of(1_000, 10_000);
    private static final long HOUR_MILLIS = 3_600_000L;
    private static final double[] SHARES = {0.5, 1, 2, 3, 4};
    private static final String[] PROJECTS = {"default", "research", "thesis", "teaching"};

    /** The three changes, in the order they take turns. */
    enum Change {
        DEADLINE("deadline_change", "Altered (one job's deadline) + decide"),
        SHARE("share_change", "ProjectSet (a project's share) + decide"),
        IMPORTANCE("importance_change", "ProjectSet (a project's importance, not the highest) + decide"),
        PERIODIC("full_recompute", "recomputeAll() + decide");

        final String metric;
        final String description;

        Change(String metric, String description) {
            this.metric = metric;
            this.description = description;
        }
    }

    @Override
    public String summary() {
        return "priority changes with N pending: a deadline (Altered), a share and an importance (ProjectSet), a full recompute, "
                + "each + decide, vs sort-everything and a TreeSet rebuild";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--sizes", "--changes", "--warmup", "--seed", "--limits"));
        List<Integer> sizes = given.wholeNumbers("--sizes", quick ? QUICK_SIZES : SIZES, 1);
        int changes = given.wholeNumber("--changes", quick ? 30 : 200, 1);
        int warmup = given.wholeNumber("--warmup", quick ? 300 : 2_000, 0);
        long seed = given.longNumber("--seed", 42);
        JobMix.TimeLimits limits = given.choice("--limits", JobMix.TimeLimits.MINUTES);
        String prefix = limits == JobMix.TimeLimits.MINUTES ? "priority." : "priority." + limits.key() + "_limits.";

        out.println("priority-recompute: a priority change applied to DecisionCore, then decide() and its Dispatched entries,");
        out.println("  in decision-latency's steady state (" + JobMix.MACHINE_TEXT + ", policy "
                + JobMix.CONFIG.scheduler().policy() + ", budgets, EASY backfill; time limits: " + limits.key() + ")");
        out.printf(Locale.ROOT, "  %s run: per N, warm-up %d decisions, then %d changes of each kind, each after an ordinary decision%n",
                quick ? "quick" : "full", warmup, changes);
        out.println();
        out.printf(Locale.ROOT, "%8s  %-16s %-9s %5s %7s %10s %10s %10s %10s%n",
                "N", "change", "decider", "k", "timed", "p50 ms", "p90 ms", "p99 ms", "max ms");

        measure(1_000, quick ? 10 : 100, 200, seed + 1, limits, null); // JIT warm-up, untimed
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.add(measure(n, changes, warmup, seed, limits, out));
        }
        out.println();
        out.println("baseline = SortEveryDecisionDecider after the same entry (every priority computed and sorted on every decision),");
        out.println("  deciding on every k-th change of each kind, from the same state; it chose what labq chose (checked).");
        out.println("tree rebuild = every ready job's priority computed afresh and inserted into a new TreeSet: no decision.");
        out.println();

        ResultLines results = new ResultLines(out);
        for (Row row : rows) {
            for (Change change : Change.values()) {
                Histogram labq = row.labq[change.ordinal()];
                Histogram baseline = row.baseline[change.ordinal()];
                results.compared(prefix + change.metric + ".p50." + row.n, ms(labq, 50), ms(baseline, 50), "ms");
                results.compared(prefix + change.metric + ".p99." + row.n, ms(labq, 99), ms(baseline, 99), "ms");
            }
            results.metric(prefix + "tree_rebuild.p50." + row.n, ms(row.tree, 50), "ms");
            results.metric(prefix + "tree_rebuild.p99." + row.n, ms(row.tree, 99), "ms");
        }
        return BenchMain.OK;
    }

    private static final String USAGE = "usage: bench/run priority-recompute [--sizes 10000,100000] [--changes 200] "
            + "[--warmup 2000] [--seed 42] [--limits minutes|round]";

    /** One size: {@code changes} of each kind; prints its rows when {@code out} is not null. */
    static Row measure(int n, int changes, int warmup, long seed, JobMix.TimeLimits limits, PrintStream out) {
        SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), n, seed, limits);
        SortEveryDecisionDecider baseline = state.baseline();
        SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < warmup; i++) {
            state.step(false);
        }
        System.gc();
        int every = Math.max(1, Math.min(n / 10_000, changes / 10));
        Row row = new Row(n);
        for (int i = 0; i < changes; i++) {
            boolean sample = i % every == every - 1;
            for (Change change : Change.values()) {
                state.step(false);
                switch (change) {
                    case DEADLINE -> state.change(deadlineChange(state, random), sample);
                    case SHARE -> state.change(shareChange(random), sample);
                    case IMPORTANCE -> state.change(importanceChange(random), sample);
                    case PERIODIC -> state.recompute(sample);
                }
                row.labq[change.ordinal()].recordValue(state.labqNanos());
                if (sample) {
                    row.baseline[change.ordinal()].recordValue(state.baselineNanos());
                }
            }
            long start = System.nanoTime();
            if (baseline.rebuildTree(state.nowMillis()) != n) {
                throw new IllegalStateException("tree rebuild lost jobs: expected " + n);
            }
            row.tree.recordValue(System.nanoTime() - start);
        }
        if (out != null) {
            for (Change change : Change.values()) {
                print(out, n, change.metric, "labq", 1, row.labq[change.ordinal()]);
                print(out, n, change.metric, "baseline", every, row.baseline[change.ordinal()]);
            }
            print(out, n, "tree_rebuild", "reference", 1, row.tree);
        }
        return row;
    }

    /** A pending job's deadline moves to 1-48 h from now, in whole minutes. */
    private static JournalEvent deadlineChange(SteadyState state, SplittableRandom random) {
        JobId job = state.randomPendingJob(random);
        long deadline = state.nowMillis() + HOUR_MILLIS + random.nextLong(47 * HOUR_MILLIS);
        return new JournalEvent.Altered(job, new Alteration(deadline - deadline % 60_000, null, null, null));
    }

    /** A project's share is set by {@code labq project set}. */
    private static JournalEvent shareChange(SplittableRandom random) {
        return new JournalEvent.ProjectSet(PROJECTS[random.nextInt(PROJECTS.length)], null, null,
                SHARES[random.nextInt(SHARES.length)]);
    }

    /**
     * A project other than the most important one (thesis, 100) gets an importance below 100 with
     * {@code labq project set}: its jobs are re-keyed, the others keep their keys.
     */
    private static JournalEvent importanceChange(SplittableRandom random) {
        String[] lesser = {"default", "research", "teaching"};
        return new JournalEvent.ProjectSet(lesser[random.nextInt(lesser.length)], null, 1 + random.nextInt(99), null);
    }

    private static void print(PrintStream out, int n, String change, String decider, int every, Histogram h) {
        out.printf(Locale.ROOT, "%8d  %-16s %-9s %5d %7d %10.3f %10.3f %10.3f %10.3f%n", n, change, decider, every,
                h.getTotalCount(), ms(h, 50), ms(h, 90), ms(h, 99), h.getMaxValue() / 1e6);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    /** One size's latencies, per change, in nanoseconds. */
    static final class Row {
        final int n;
        final Histogram[] labq = new Histogram[Change.values().length];
        final Histogram[] baseline = new Histogram[Change.values().length];
        final Histogram tree = histogram();

        Row(int n) {
            this.n = n;
            for (int i = 0; i < labq.length; i++) {
                labq[i] = histogram();
                baseline[i] = histogram();
            }
        }

        private static Histogram histogram() {
            return new Histogram(1, 600_000_000_000L, 3);
        }
    }
}
