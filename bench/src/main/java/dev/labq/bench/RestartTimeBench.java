package dev.labq.bench;

import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long the real scheduler takes to open a home (lock, journal, views, replay, recovery) against the size
 * of its journal, in two cases:
 *
 * <pre>
 *   tail:    views up to date (the last scheduler closed cleanly) ─▶ load the jobs view, replay the few entries after it
 *   rebuild: views deleted ─▶ create empty views, fold the whole journal into them
 * </pre>
 *
 * <p>The journal holds what real runs leave: jobs submitted, dispatched, started and finished (four entries
 * each), the last hundredth of them submitted held, so that the scheduler has nothing to start while it is
 * timed. Timed is {@code LabqScheduler.builder(home).start()} until it returns: it has then replayed, reconciled
 * and may decide. Closing is not timed.
 *
 * <p>Each open happens in this JVM after an untimed first open of a small home (class loading and Chronicle
 * Map's code generation, paid once per JVM, are printed separately): the figures are what grows with the
 * journal. A fresh `labq serve` JVM pays the first-open cost on top. Arguments: {@code --sizes 10000,100000 --runs 5}
 * (sizes in journal entries).
 */
public final class RestartTimeBench implements Harness {
    private static final String USAGE = "usage: bench/run restart-time [--sizes 10000,100000] [--runs 5]";
    private static final List<Integer> SIZES = List.of(10_000, 100_000);
    private static final List<Integer> QUICK_SIZES = List.of(1_000, 10_000);
    private static final int ENTRIES_PER_FINISHED_JOB = 4;
    /** Held jobs at the end of the journal, per finished job: a queue that waits, with nothing to start. */
    private static final int FINISHED_PER_HELD = 100;

    @Override
    public String summary() {
        return "time to open the scheduler on a journal of N entries: views up to date (tail replay) vs views deleted (rebuild)";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs parsed = HarnessArgs.parse(args, USAGE, List.of("--sizes", "--runs"));
        List<Integer> sizes = parsed.wholeNumbers("--sizes", quick ? QUICK_SIZES : SIZES, ENTRIES_PER_FINISHED_JOB);
        int runs = parsed.wholeNumber("--runs", quick ? 2 : 5, 1);

        out.printf(Locale.ROOT, "restart-time: LabqScheduler start() on a home whose journal holds N entries; %s run, %d opens per case%n",
                quick ? "quick" : "full", runs);
        double firstOpenMs = firstOpenInThisJvm(quick ? 1 : 3);
        out.printf(Locale.ROOT, "  first open in this JVM (class loading, Chronicle Map code generation; not in the figures below): %.0f ms%n%n",
                firstOpenMs);
        out.printf(Locale.ROOT, "%10s %8s %-9s %10s %10s %10s%n", "entries", "jobs", "case", "median ms", "min ms", "max ms");

        List<Row> rows = new ArrayList<>();
        for (int entries : sizes) {
            try (TempHome home = TempHome.create("labq-restart-time", 64, "256G", 4)) {
                int jobs = journal(home, entries);
                double[] rebuild = new double[runs];
                for (int r = 0; r < runs; r++) {
                    home.deleteViews();
                    rebuild[r] = timedOpen(home);
                }
                double[] tail = new double[runs];
                for (int r = 0; r < runs; r++) {
                    tail[r] = timedOpen(home); // the previous open closed cleanly: its views are current
                }
                Row row = new Row(entries, median(tail), median(rebuild));
                rows.add(row);
                print(out, entries, jobs, "tail", tail);
                print(out, entries, jobs, "rebuild", rebuild);
            }
        }
        out.println();
        out.println("tail = views up to date, only the entries after them replayed; rebuild = views/ deleted, whole journal folded.");
        out.println("Each open appends SchedulerStarted and each close SchedulerStopped, so the journal grows by two per open.");
        out.println();

        ResultLines results = new ResultLines(out);
        for (Row row : rows) {
            results.metric("e2e.restart.tail." + row.entries, row.tailMs, "ms");
            results.metric("e2e.restart.rebuild." + row.entries, row.rebuildMs, "ms");
        }
        return BenchMain.OK;
    }

    /**
     * Opens and closes a scheduler on a small home a few times, rebuilding and not, so the timed opens pay
     * neither this JVM's first-time costs nor much of the JIT's; returns how long the very first open took.
     */
    private static double firstOpenInThisJvm(int warmups) {
        try (TempHome home = TempHome.create("labq-restart-prime", 64, "256G", 4)) {
            journal(home, 4_000);
            double first = timedOpen(home);
            for (int i = 0; i < warmups; i++) {
                home.deleteViews();
                timedOpen(home);
                timedOpen(home);
            }
            return first;
        }
    }

    private static double timedOpen(TempHome home) {
        long start = System.nanoTime();
        LabqScheduler labq = home.scheduler().start();
        long opened = System.nanoTime();
        labq.close();
        return (opened - start) / 1e6;
    }

    /**
     * Appends about {@code entries} entries as runs of real jobs would leave them (see the class comment);
     * returns the number of jobs.
     */
    private static int journal(TempHome home, int entries) {
        Clock clock = Clock.system();
        int finishedJobs = entries * FINISHED_PER_HELD / (ENTRIES_PER_FINISHED_JOB * FINISHED_PER_HELD + 1);
        int heldJobs = entries - finishedJobs * ENTRIES_PER_FINISHED_JOB;
        long now = clock.millis() - entries * 1_000L;
        try (Journal journal = Journal.open(home.home().journal(), home.home().jobIds())) {
            for (int i = 0; i < finishedJobs + heldJobs; i++) {
                boolean held = i >= finishedJobs;
                JobSpec spec = JobSpec.process("default", "user" + i % 7, "python", "train.py", "--seed", Integer.toString(i))
                        .hold(held).build();
                long t = now + i * 1_000L;
                JobId id = JobId.of(EventCodec.appendSubmission(journal, t, spec).number());
                if (!held) {
                    EventCodec.append(journal, t + 10, new JournalEvent.Dispatched(id, 1, new Allocation(1, 256, List.of())));
                    EventCodec.append(journal, t + 20, new JournalEvent.Started(id, 1, 100_000 + i, t + 20));
                    EventCodec.append(journal, t + 900, new JournalEvent.Finished(id, 1, JobState.COMPLETED, 0, null));
                }
            }
        }
        return finishedJobs + heldJobs;
    }

    private static void print(PrintStream out, int entries, int jobs, String label, double[] ms) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        out.printf(Locale.ROOT, "%,10d %,8d %-9s %10.1f %10.1f %10.1f%n", entries, jobs, label, median(ms), sorted[0],
                sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private record Row(int entries, double tailMs, double rebuildMs) {
    }
}
