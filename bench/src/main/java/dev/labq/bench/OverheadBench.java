package dev.labq.bench;

import dev.labq.core.LabqScheduler;
import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scheduling overhead as a share of run time: M real OS processes of a known duration ({@code sleep D}), at most
 * C at once, run by the real scheduler (its ProcessExecutor: a small wrapper shell, logs to files, the exit
 * code recorded) and, as the baseline, by C plain Java threads each running the next command with
 * {@link ProcessBuilder} and waiting for it.
 *
 * <pre>
 *   labq:     submit all M ─▶ scheduler keeps C running (machine of C CPUs, 1 CPU each) ─▶ last Finished folded
 *   baseline: C threads: ProcessBuilder(sleep D).start(), waitFor(), next ─▶ last waitFor returned
 *   overhead % = (labq wall − baseline wall) / baseline wall
 * </pre>
 *
 * <p>Start delay = from the moment a slot is free to the moment the next process in it has started. Baseline:
 * the thread's previous waitFor returned (or the thread began) → {@code start()} returned. labq: a process
 * exited (seen by an {@code onExit} hook this harness puts on each pid) → the next job's Started entry folded
 * (its pid is known); in time order, the k-th start after the first C is paired with the (k−C)-th exit, and the
 * first C with their own submit. Each round runs the baseline, then labq; walls are summed over rounds.
 * Arguments: {@code --jobs 80 --concurrency 4 --duration 0.5 --rounds 3}.
 */
public final class OverheadBench implements Harness {
    private static final String USAGE = "usage: bench/run overhead [--jobs 80] [--concurrency 4] [--duration 0.5] [--rounds 3]";
    private static final long WAIT_SECONDS_PER_JOB = 60;

    @Override
    public String summary() {
        return "wall time of M real sleep processes through the scheduler vs plain ProcessBuilder at the same concurrency";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs parsed = HarnessArgs.parse(args, USAGE, List.of("--jobs", "--concurrency", "--duration", "--rounds"));
        int jobs = parsed.wholeNumber("--jobs", quick ? 8 : 80, 1);
        int concurrency = parsed.wholeNumber("--concurrency", quick ? 2 : 4, 1);
        double duration = parsed.positiveDecimal("--duration", quick ? 0.2 : 0.5);
        int rounds = parsed.wholeNumber("--rounds", quick ? 1 : 3, 1);
        List<String> command = List.of("sleep", new BigDecimal(Double.toString(duration)).stripTrailingZeros().toPlainString());

        out.printf(Locale.ROOT, "overhead: %d x `%s`, %d at once, %d round(s); %s run%n", jobs, String.join(" ", command),
                concurrency, rounds, quick ? "quick" : "full");
        out.printf(Locale.ROOT, "  ideal wall per round: %.2f s (ceil(M/C) x D)%n%n", Math.ceil((double) jobs / concurrency) * duration);

        ProcessTimes times = new ProcessTimes();
        ExecutorService exitWatcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "overhead-exit-watcher");
            t.setDaemon(true);
            return t;
        });
        times.exitWatcher = exitWatcher;
        double directWall = 0;
        double labqWall = 0;
        LatencyHistogram directDelay = new LatencyHistogram();
        LatencyHistogram labqDelay = new LatencyHistogram();
        LatencyHistogram exitNoticed = new LatencyHistogram();
        out.printf(Locale.ROOT, "%6s %14s %14s %11s%n", "round", "baseline s", "labq s", "overhead");
        LatencyHistogram hiccupsInRounds;
        try (TempHome home = TempHome.create("labq-overhead", concurrency, "64G", 4);
             LabqScheduler labq = home.scheduler().listener(times).start();
             Hiccups hiccups = Hiccups.start()) {
            Path directLogs = Files.createDirectories(home.root().resolve("direct-logs"));
            // Untimed: the JIT, the first fork of each path, Chronicle's first entries.
            direct(List.of("true"), concurrency, concurrency, directLogs, new LatencyHistogram());
            throughLabq(labq, times, List.of("true"), concurrency * 2, concurrency, new LatencyHistogram(), new LatencyHistogram());
            hiccups.sinceLast();
            for (int round = 1; round <= rounds; round++) {
                double d = direct(command, jobs, concurrency, directLogs, directDelay);
                double l = throughLabq(labq, times, command, jobs, concurrency, labqDelay, exitNoticed);
                directWall += d;
                labqWall += l;
                out.printf(Locale.ROOT, "%6d %14.3f %14.3f %10.2f%%%n", round, d, l, 100 * (l - d) / d);
            }
            hiccupsInRounds = hiccups.sinceLast();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            exitWatcher.shutdownNow();
        }
        double overheadPct = 100 * (labqWall - directWall) / directWall;
        double perJobMs = (labqWall - directWall) / rounds * concurrency / jobs * 1e3;
        out.printf(Locale.ROOT, "%6s %14.3f %14.3f %10.2f%%%n%n", "all", directWall, labqWall, overheadPct);
        out.printf(Locale.ROOT, "%-34s %s%n", "start delay (slot free -> started)", LatencyHistogram.HEADER);
        directDelay.printRow(out, "  baseline (ProcessBuilder)");
        labqDelay.printRow(out, "  labq (exit -> Started folded)");
        exitNoticed.printRow(out, "  labq exit -> Finished folded");
        hiccupsInRounds.printRow(out, "  (hiccup: 1 ms park, late)");
        out.println();
        out.printf(Locale.ROOT, "per job: labq adds %.2f ms of slot time on average ((labq - baseline wall) x C / M)%n", perJobMs);
        out.println("labq's start includes its wrapper shell and journaling Started; its end, the wrapper writing the exit file");
        out.println("and the Finished entry being folded. Both sides redirect each job's stdout and stderr to files.");
        out.println("hiccup = how late a thread of this JVM that only parks for 1 ms woke up during the rounds (GC, a busy machine).");
        out.println();

        ResultLines results = new ResultLines(out);
        results.metric("e2e.overhead.pct", overheadPct, "%");
        results.compared("e2e.overhead.wall", labqWall / rounds, directWall / rounds, "s");
        results.metric("e2e.overhead.per_job", perJobMs, "ms");
        results.compared("e2e.overhead.start_delay.p50", labqDelay.ms(50), directDelay.ms(50), "ms");
        results.compared("e2e.overhead.start_delay.p99", labqDelay.ms(99), directDelay.ms(99), "ms");
        return BenchMain.OK;
    }

    /** The baseline: {@code concurrency} threads run the jobs one after another with ProcessBuilder; returns the wall in s. */
    private static double direct(List<String> command, int jobs, int concurrency, Path logs, LatencyHistogram startDelay)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> slots = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        long[][] delays = new long[concurrency][];
        long start = System.nanoTime();
        for (int s = 0; s < concurrency; s++) {
            int slot = s;
            Thread t = new Thread(() -> {
                List<Long> mine = new ArrayList<>();
                try {
                    long free = System.nanoTime();
                    for (int i = next.getAndIncrement(); i < jobs; i = next.getAndIncrement()) {
                        Process p = new ProcessBuilder(command)
                                .redirectOutput(logs.resolve(i + ".out").toFile())
                                .redirectError(logs.resolve(i + ".err").toFile()).start();
                        mine.add(System.nanoTime() - free);
                        int code = p.waitFor();
                        free = System.nanoTime();
                        if (code != 0) {
                            throw new IllegalStateException("`" + String.join(" ", command) + "` exited " + code);
                        }
                    }
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failures.add(e);
                }
                delays[slot] = mine.stream().mapToLong(Long::longValue).toArray();
            }, "overhead-direct-" + s);
            t.start();
            slots.add(t);
        }
        for (Thread t : slots) {
            t.join();
        }
        long end = System.nanoTime();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the baseline failed: " + failures.get(0), failures.get(0));
        }
        for (long[] slotDelays : delays) {
            for (long d : slotDelays) {
                startDelay.record(d);
            }
        }
        return (end - start) / 1e9;
    }

    /** labq: submits every job at once and waits until the last has ended; returns the wall in s. */
    private static double throughLabq(LabqScheduler labq, ProcessTimes times, List<String> command, int jobs, int concurrency,
                                      LatencyHistogram startDelay, LatencyHistogram exitNoticed) throws InterruptedException {
        JobSpec spec = JobSpec.process("default", "bench", command.toArray(String[]::new))
                .resources(new Resources(1, 64, 0, null)).build();
        Round round = times.begin(jobs);
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            long id = labq.submit(spec).id().value();
            round.submitted.put(id, System.nanoTime());
        }
        if (!round.ended.await(WAIT_SECONDS_PER_JOB * jobs, TimeUnit.SECONDS)) {
            throw new IllegalStateException(round.ended.getCount() + " of " + jobs + " jobs had not ended");
        }
        if (!round.failures.isEmpty()) {
            throw new IllegalStateException("a job did not complete: " + round.failures.get(0));
        }
        double wall = (round.lastEnd.get() - start) / 1e9;
        round.awaitExitTimes();

        // In time order, the k-th start (k >= C) took the slot the (k-C)-th exit freed.
        List<Long> startOrder = new ArrayList<>(round.started.keySet());
        startOrder.sort((a, b) -> Long.compare(round.started.get(a), round.started.get(b)));
        long[] exits = round.exited.values().stream().mapToLong(Long::longValue).sorted().toArray();
        for (int k = 0; k < startOrder.size(); k++) {
            long id = startOrder.get(k);
            long free = k < concurrency ? round.submitted.get(id) : exits[k - concurrency];
            startDelay.record(round.started.get(id) - free);
        }
        for (Map.Entry<Long, Long> exit : round.exited.entrySet()) {
            exitNoticed.record(round.endSeen.get(exit.getKey()) - exit.getValue());
        }
        return wall;
    }

    /**
     * What the listener sees of each job, on the decision thread: its Started entry folded (the pid is known)
     * and its end folded; and, from an onExit hook put on the pid off that thread, when its process exited.
     */
    private static final class ProcessTimes implements SchedulerListener {
        ExecutorService exitWatcher;
        private volatile Round current;

        Round begin(int jobs) {
            Round round = new Round(jobs);
            current = round;
            return round;
        }

        @Override
        public void jobChanged(JobChange change) {
            Round round = current;
            JobStatus after = change.after();
            long id = after.id().value();
            long now = System.nanoTime();
            if (after.pid() != 0 && (change.before() == null || change.before().pid() == 0)) {
                round.started.put(id, now);
                long pid = after.pid();
                exitWatcher.execute(() -> ProcessHandle.of(pid).ifPresentOrElse(
                        process -> process.onExit().thenRun(() -> round.exited.put(id, System.nanoTime())),
                        () -> round.exited.putIfAbsent(id, System.nanoTime()))); // gone already: exited no later than now
            }
            if (after.isTerminal()) {
                if (after.state() != JobState.COMPLETED) {
                    round.failures.add("job " + id + " ended " + after.state() + ": " + after.reason());
                }
                round.endSeen.put(id, now);
                round.lastEnd.accumulateAndGet(now, Math::max);
                round.ended.countDown();
            }
        }
    }

    /** One batch of jobs, by job id: nanoTime instants. */
    private static final class Round {
        final Map<Long, Long> submitted = new ConcurrentHashMap<>();
        final Map<Long, Long> started = new ConcurrentHashMap<>();
        final Map<Long, Long> exited = new ConcurrentHashMap<>();
        final Map<Long, Long> endSeen = new ConcurrentHashMap<>();
        final AtomicLong lastEnd = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final CountDownLatch ended;

        Round(int jobs) {
            ended = new CountDownLatch(jobs);
        }

        /** The exit hooks run on the JDK's process reaper; the last may trail the last Finished by a little. */
        void awaitExitTimes() {
            int jobs = submitted.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (exited.size() < jobs) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("exit hooks reported " + exited.size() + " of " + jobs + " processes");
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

}
