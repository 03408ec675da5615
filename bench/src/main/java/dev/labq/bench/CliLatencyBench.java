package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.store.Journal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Wall time of the commands people type, each a fresh JVM through the {@code ./labq} launcher, on a home
 * holding N jobs: with a scheduler serving the home (commands forwarded over its socket), and as the
 * baseline the same commands with no scheduler (each opens the journal and views itself).
 *
 * <pre>
 *   home: N jobs journaled (all but 100 completed; those 100 held)
 *   labq:      ./labq CMD  ──socket──▶  serve (warm JVM, state in memory)
 *   baseline:  ./labq CMD  ──opens Chronicle journal + views itself
 * </pre>
 *
 * <p>Each command runs 20 times untimed against the scheduler first: it is a long-lived process, and its
 * JIT warms up on the first commands. Arguments: {@code --jobs 10000 --runs 15}. Needs the CLI jar; the
 * launcher builds it when stale.
 */
public final class CliLatencyBench implements Harness {
    private static final List<String[]> COMMANDS = List.of(
            new String[]{"submit", "--hold", "--", "true"},
            new String[]{"stat"},
            new String[]{"stat", "1"},
            new String[]{"tail", "--from", "LAST"});

    @Override
    public String summary() {
        return "median wall time of ./labq submit/stat/tail (fresh JVMs) on a home with N jobs, served vs no scheduler";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, "usage: cli-latency [--jobs N] [--runs R]", List.of("--jobs", "--runs"));
        int jobs = given.wholeNumber("--jobs", quick ? 1_000 : 10_000, 1);
        int runs = given.wholeNumber("--runs", quick ? 3 : 15, 1);
        int warmup = quick ? 1 : 20;
        Path root = HarnessArgs.root();
        Path launcher = root.resolve("labq");
        try {
            Path home = Files.createTempDirectory("labq-cli-latency");
            long last = journal(LabqHome.of(home), jobs);
            run(launcher, home, List.of("--version")); // builds the CLI when stale, outside the timing
            out.printf(Locale.ROOT, "cli-latency: %,d jobs in %s; %d runs per command, median wall time of ./labq%n%n",
                    jobs, home, runs);
            out.printf(Locale.ROOT, "%-26s %12s %14s%n", "command", "served s", "no scheduler s");

            double[][] baseline = new double[COMMANDS.size()][];
            for (int c = 0; c < COMMANDS.size(); c++) {
                baseline[c] = times(launcher, home, COMMANDS.get(c), last, runs);
            }
            Process serve = new ProcessBuilder(launcher.toString(), "serve", "--home", home.toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("serve.log").toFile()).start();
            try {
                awaitSocket(home, serve);
                List<String> names = new ArrayList<>();
                double[] served = new double[COMMANDS.size()];
                double[] direct = new double[COMMANDS.size()];
                for (int c = 0; c < COMMANDS.size(); c++) {
                    times(launcher, home, COMMANDS.get(c), last, warmup); // a scheduler runs for days: time it warm
                    served[c] = median(times(launcher, home, COMMANDS.get(c), last, runs));
                    direct[c] = median(baseline[c]);
                    names.add(String.join(" ", COMMANDS.get(c)).replace("LAST", "<last>"));
                    out.printf(Locale.ROOT, "%-26s %12.3f %14.3f%n", names.get(c), served[c], direct[c]);
                }
                out.println();
                ResultLines results = new ResultLines(out);
                String[] metrics = {"cli.submit.median", "cli.stat.median", "cli.stat_one.median", "cli.tail_last.median"};
                for (int c = 0; c < COMMANDS.size(); c++) {
                    results.compared(metrics[c] + "." + jobs, served[c], direct[c], "s");
                }
            } finally {
                serve.destroy();
                serve.waitFor(30, TimeUnit.SECONDS);
            }
            return BenchMain.OK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Journals N jobs as a real run would have: submitted, dispatched, started, finished (100 left held). */
    private static long journal(LabqHome home, int jobs) {
        long now = dev.labq.core.time.Clock.system().millis() - jobs * 1_000L;
        try (Journal journal = Journal.open(home.journal(), home.jobIds())) {
            for (int i = 1; i <= jobs; i++) {
                JobId id = JobId.of(i);
                // the last 100 wait held: nothing may run during the timing, or process starts would be timed too
                JobSpec spec = JobSpec.process(i % 3 == 0 ? "research" : "teaching", "user" + i % 7, "python", "train.py",
                        "--seed", Integer.toString(i)).hold(i > jobs - 100).build();
                long t = now + i * 1_000L;
                EventCodec.appendSubmission(journal, t, spec);
                if (i <= jobs - 100) {
                    append(journal, t + 10, new JournalEvent.Dispatched(id, 1, new Allocation(1, 256, List.of())));
                    append(journal, t + 20, new JournalEvent.Started(id, 1, 100_000 + i, t + 20));
                    append(journal, t + 900, new JournalEvent.Finished(id, 1, JobState.COMPLETED, 0, null));
                }
            }
            return journal.lastIndex();
        }
    }

    private static void append(Journal journal, long t, JournalEvent event) {
        EventCodec.append(journal, t, event);
    }

    private static double[] times(Path launcher, Path home, String[] command, long last, int runs)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (String a : command) {
            args.add(a.equals("LAST") ? Long.toString(last) : a);
        }
        args.add(1, "--home");
        args.add(2, home.toString());
        double[] seconds = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            run(launcher, home, args);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        return seconds;
    }

    /** Runs {@code ./labq ARGS}; throws unless it exits 0 within 10 minutes. */
    static void run(Path launcher, Path home, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit "
                    + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
    }

    /** Waits until {@code serve} listens on the home's socket; throws if it dies or takes over 2 minutes. */
    static void awaitSocket(Path home, Process serve) throws InterruptedException {
        Path socket = home.resolve("scheduler.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(socket)) {
            if (!serve.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("labq serve did not start; see " + home.resolve("serve.log"));
            }
            serve.waitFor(50, TimeUnit.MILLISECONDS); // returns early if serve dies
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
