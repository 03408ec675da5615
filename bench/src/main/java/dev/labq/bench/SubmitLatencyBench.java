package dev.labq.bench;

import dev.labq.core.LabqScheduler;
import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.state.JobChange;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Submit → decision → dispatch latency of the real scheduler under a steady offered load: in-process tasks
 * submitted through {@link LabqScheduler#submit(JobSpec, dev.labq.core.execution.LabqTask)} at R per second
 * by P submitter threads (job i by thread i mod P, like P independent clients sharing one timetable).
 *
 * <pre>
 *   pacers: job i due at start + i/R ──▶ submit() ──ring──▶ decision thread journals Submitted, replies
 *          tailer reads Submitted ──ring──▶ fold ──▶ decide ──▶ journal Dispatched
 *          tailer reads Dispatched ──ring──▶ fold: RUNNING (listener) ──▶ task thread: journal Started, body runs
 *   every latency is measured from the instant job i was DUE, not from when the pacer got to send it
 * </pre>
 *
 * <p>Coordinated omission: the pacers submit on a fixed timetable, and {@code submit} blocks until the
 * submission is journaled; a stall there delays the submissions after it on the same thread. Measuring each
 * job from its due instant charges that delay to every job it held back, exactly, with no assumption about
 * the stall's shape.
 * {@code Histogram.recordValueWithExpectedInterval} would instead back-fill synthetic samples after the fact,
 * which models a closed loop sending back-to-back; a known timetable makes it unnecessary.
 *
 * <p>The machine has far more CPUs than jobs ever run at once, so a job waits for nothing but the scheduler.
 * Arguments: {@code --rate 100,1000,2000 --seconds 10 --warmup 5 --submitters 4}.
 */
public final class SubmitLatencyBench implements Harness {
    private static final String USAGE =
            "usage: bench/run submit-latency [--rate 100,1000,2000] [--seconds 10] [--warmup 5] [--submitters 4]";
    private static final List<Integer> RATES = List.of(100, 1_000, 2_000);
    private static final List<Integer> QUICK_RATES = List.of(200, 1_000);
    /** Enough that every submitted task starts at once; the probes ask for 1 CPU and 1 MiB each. */
    private static final int MACHINE_CPUS = 100_000;
    private static final int TASK_THREADS = 4;
    private static final JobSpec PROBE = JobSpec.task("probe", "default", "bench").resources(new Resources(1, 1, 0, null)).build();
    /** Time for the pacer to get going before the first job is due, so job 0 is not late by construction. */
    private static final long START_LEAD_NANOS = 20_000_000L;
    private static final long DRAIN_SECONDS = 60;

    @Override
    public String summary() {
        return "submit -> decision -> dispatch latency of the real scheduler at R submissions/s, from each job's due time";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs parsed = HarnessArgs.parse(args, USAGE, List.of("--rate", "--seconds", "--warmup", "--submitters"));
        List<Integer> rates = parsed.wholeNumbers("--rate", quick ? QUICK_RATES : RATES, 1);
        int seconds = parsed.wholeNumber("--seconds", quick ? 2 : 10, 1);
        int warmupSeconds = parsed.wholeNumber("--warmup", quick ? 1 : 5, 0);
        int submitters = parsed.wholeNumber("--submitters", quick ? 2 : 4, 1);
        long planned = (long) rates.get(0) * warmupSeconds + rates.stream().mapToLong(r -> (long) r * seconds).sum();

        out.printf(Locale.ROOT, "submit-latency: in-process tasks through LabqScheduler.submit from %d threads on one fixed "
                + "timetable, real scheduler%n", submitters);
        out.println("  (Chronicle journal, Chronicle Map views, Disruptor ring) on a temporary home; machine "
                + MACHINE_CPUS + " CPUs, " + TASK_THREADS + " task threads");
        out.printf(Locale.ROOT, "  %s run: warm-up %d s at %d/s (discarded), then %d s per rate; latency from each job's due instant%n%n",
                quick ? "quick" : "full", warmupSeconds, rates.get(0), seconds);

        DispatchTimes dispatchTimes = new DispatchTimes();
        List<Window> windows = new ArrayList<>();
        try (TempHome home = TempHome.create("labq-submit-latency", MACHINE_CPUS, "1T", TASK_THREADS);
             LabqScheduler labq = home.scheduler().expectedJobs(Math.max(100_000, planned)).listener(dispatchTimes).start();
             Hiccups hiccups = Hiccups.start()) {
            if (warmupSeconds > 0) {
                paced(labq, dispatchTimes, rates.get(0), warmupSeconds, submitters);
            }
            for (int rate : rates) {
                // What the last window left behind (task outcomes, views) should not be collected inside the next.
                System.gc();
                hiccups.sinceLast();
                Window window = paced(labq, dispatchTimes, rate, seconds, submitters);
                window.hiccups = hiccups.sinceLast();
                windows.add(window);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }

        out.printf(Locale.ROOT, "%7s %-26s %s%n", "rate/s", "from the due instant to", LatencyHistogram.HEADER);
        for (Window w : windows) {
            out.printf(Locale.ROOT, "%7d %-26s %s%n", w.rate, "submit sent (pacer late)", w.sent.row());
            out.printf(Locale.ROOT, "%7s %-26s %s%n", "", "submit journaled (ack)", w.acknowledged.row());
            out.printf(Locale.ROOT, "%7s %-26s %s%n", "", "dispatched (RUNNING seen)", w.dispatched.row());
            out.printf(Locale.ROOT, "%7s %-26s %s%n", "", "task body started", w.taskStarted.row());
            out.printf(Locale.ROOT, "%7s %-26s %s%n", "", "(hiccup: 1 ms park, late)", w.hiccups.row());
            out.printf(Locale.ROOT, "%7s achieved %.0f submissions/s%n", "", w.achievedRate);
        }
        out.println();
        out.println("dispatched = the listener saw the job become RUNNING (its Dispatched entry journaled, tailed and folded);");
        out.println("  task body started = the task thread journaled Started and entered the task. The task thread may run before");
        out.println("  the listener is called (the stage launches, then notifies), so the two are close and either may come first.");
        out.println("hiccup = how late a thread of this JVM that only parks for 1 ms woke up during the window: stalls from GC,");
        out.println("  safepoints or a busy machine, not from labq; where labq's tail is no longer, the machine can explain it.");
        out.println();

        ResultLines results = new ResultLines(out);
        for (Window w : windows) {
            results.metric("e2e.submit.p50." + w.rate, w.acknowledged.ms(50), "ms");
            results.metric("e2e.submit.p99." + w.rate, w.acknowledged.ms(99), "ms");
            results.metric("e2e.dispatch.p50." + w.rate, w.dispatched.ms(50), "ms");
            results.metric("e2e.dispatch.p90." + w.rate, w.dispatched.ms(90), "ms");
            results.metric("e2e.dispatch.p99." + w.rate, w.dispatched.ms(99), "ms");
            results.metric("e2e.dispatch.p999." + w.rate, w.dispatched.ms(99.9), "ms");
            results.metric("e2e.dispatch.max." + w.rate, w.dispatched.maxMs(), "ms");
            results.metric("e2e.task_start.p99." + w.rate, w.taskStarted.ms(99), "ms");
            results.metric("e2e.submit.achieved." + w.rate, w.achievedRate, "jobs/s");
            results.metric("e2e.hiccup.max." + w.rate, w.hiccups.maxMs(), "ms");
        }
        return BenchMain.OK;
    }

    /**
     * Submits {@code rate × seconds} probes on the timetable, job i from submitter i mod P, and waits until every
     * one has been dispatched and has started its body; returns their latencies from their due instants.
     */
    private static Window paced(LabqScheduler labq, DispatchTimes dispatchTimes, int rate, int seconds, int submitters)
            throws InterruptedException {
        int jobs = Math.toIntExact((long) rate * seconds);
        long[] due = new long[jobs];
        long[] sent = new long[jobs];
        long[] acknowledged = new long[jobs];
        long[] ids = new long[jobs];
        long[] bodyStarted = new long[jobs];
        CountDownLatch bodies = new CountDownLatch(jobs); // its countDown/await publishes bodyStarted to this thread
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime() + START_LEAD_NANOS;
        for (int i = 0; i < jobs; i++) {
            due[i] = start + (long) (i * intervalNanos);
        }
        List<Thread> pacers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int p = 0; p < submitters; p++) {
            int first = p;
            Thread pacer = new Thread(() -> {
                try {
                    for (int i = first; i < jobs; i += submitters) {
                        for (long wait = due[i] - System.nanoTime(); wait > 0; wait = due[i] - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        int slot = i;
                        sent[i] = System.nanoTime();
                        ids[i] = labq.submit(PROBE, (job, attempt) -> {
                            bodyStarted[slot] = System.nanoTime();
                            bodies.countDown();
                            return 0;
                        }).id().value();
                        acknowledged[i] = System.nanoTime();
                    }
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }, "submit-latency-pacer-" + p);
            pacer.start();
            pacers.add(pacer);
        }
        for (Thread pacer : pacers) {
            pacer.join(); // its writes to sent, ids and acknowledged happen-before this returns
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a submission failed: " + failures.get(0), failures.get(0));
        }
        if (!bodies.await(seconds + DRAIN_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(bodies.getCount() + " of " + jobs + " tasks at " + rate
                    + "/s had not started " + DRAIN_SECONDS + " s after the last submission");
        }
        long lastAcknowledged = Arrays.stream(acknowledged).max().orElseThrow();
        Window window = new Window(rate, jobs * 1e9 / (lastAcknowledged - start));
        for (int i = 0; i < jobs; i++) {
            window.sent.record(sent[i] - due[i]);
            window.acknowledged.record(acknowledged[i] - due[i]);
            window.dispatched.record(dispatchTimes.take(ids[i]) - due[i]);
            window.taskStarted.record(bodyStarted[i] - due[i]);
        }
        return window;
    }

    /** When the scheduler's listener saw each job become RUNNING (on the decision thread). */
    private static final class DispatchTimes implements SchedulerListener {
        private final Map<Long, Long> runningAt = new ConcurrentHashMap<>();

        @Override
        public void jobChanged(JobChange change) {
            if (change.after().state() == JobState.RUNNING
                    && (change.before() == null || change.before().state() != JobState.RUNNING)) {
                runningAt.put(change.after().id().value(), System.nanoTime());
            }
        }

        /**
         * The instant job {@code id} was seen RUNNING, forgotten once read. Its task may have run before the
         * listener was told, so this waits briefly for the listener.
         */
        long take(long id) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            Long at;
            while ((at = runningAt.remove(id)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job " + id + " started its task but the listener never saw it RUNNING");
                }
                LockSupport.parkNanos(100_000);
            }
            return at;
        }
    }

    /** The latencies of one rate's jobs. */
    private static final class Window {
        final int rate;
        final double achievedRate;
        final LatencyHistogram sent = new LatencyHistogram();
        final LatencyHistogram acknowledged = new LatencyHistogram();
        final LatencyHistogram dispatched = new LatencyHistogram();
        final LatencyHistogram taskStarted = new LatencyHistogram();
        LatencyHistogram hiccups = new LatencyHistogram();

        Window(int rate, double achievedRate) {
            this.rate = rate;
            this.achievedRate = achievedRate;
        }
    }
}
