package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.SchedulerListener;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.execution.LabqTask;
import dev.labq.core.state.JobChange;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Sustained submissions per second through the real scheduler: T threads submit N jobs as fast as they can,
 * timed until every job is journaled and dispatched.
 *
 * <pre>
 *   api:      T threads ─ LabqScheduler.submit(spec, task) ─▶ ring ─▶ decision thread journals Submitted ─▶ reply
 *   direct:   T threads, one LabqClient.direct each ─ append Submitted to the journal themselves (CLI with no socket)
 *   both:     tailer ─▶ ring ─▶ fold + views ─▶ decide ─▶ Dispatched journaled and folded (RUNNING: counted here)
 *   baseline: T threads append the same four records per job (Submitted, Dispatched, Started, Finished) straight
 *             to a Chronicle journal: what the journal alone could carry, the ceiling for labq
 * </pre>
 *
 * <p>Jobs are no-op in-process tasks on a machine with more CPUs than jobs, so nothing waits for resources and
 * no process start is timed. A direct client cannot carry a task's code into the scheduler's JVM, so its jobs are
 * dispatched like any other and then end FAILED ("not registered in this JVM") at once: the scheduling path up
 * to the dispatch is the same. Each path first runs a tenth of its jobs untimed (the JIT, Chronicle's first
 * cycle file). Arguments: {@code --jobs 100000 --threads 8 --direct-jobs 20000}.
 */
public final class ThroughputBench implements Harness {
    private static final String USAGE = "usage: bench/run throughput [--jobs 100000] [--threads 8] [--direct-jobs 20000]";
    private static final int MACHINE_CPUS = 1_000_000;
    private static final int TASK_THREADS = 4;
    private static final JobSpec NOOP = JobSpec.task("noop", "default", "bench").resources(new Resources(1, 1, 0, null)).build();
    private static final LabqTask RETURN_ZERO = (job, attempt) -> 0;
    private static final long WAIT_SECONDS = 600;

    @Override
    public String summary() {
        return "jobs/s submitted by T threads (embedding API and direct clients) until journaled and dispatched, vs raw journal appends";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs parsed = HarnessArgs.parse(args, USAGE, List.of("--jobs", "--threads", "--direct-jobs"));
        int jobs = parsed.wholeNumber("--jobs", quick ? 5_000 : 100_000, 1);
        int threads = parsed.wholeNumber("--threads", quick ? 4 : 8, 1);
        int directJobs = parsed.wholeNumber("--direct-jobs", quick ? 1_000 : 20_000, 0);
        int apiWarmup = Math.max(threads, jobs / 10);
        int directWarmup = directJobs == 0 ? 0 : Math.max(threads, directJobs / 10);

        out.printf(Locale.ROOT, "throughput: %d threads submit no-op in-process tasks as fast as they can; real scheduler on a "
                + "temporary home (machine %d CPUs)%n", threads, MACHINE_CPUS);
        out.printf(Locale.ROOT, "  %s run: api %,d jobs (+%,d untimed first), direct %,d jobs (+%,d untimed first), "
                + "baseline %,d jobs (+%,d untimed first)%n%n", quick ? "quick" : "full", jobs, apiWarmup, directJobs,
                directWarmup, jobs, apiWarmup);

        Rate baseline = journalOnly(threads, apiWarmup, jobs);
        Rate api;
        Rate direct = null;
        DispatchCounter dispatched = new DispatchCounter();
        try (TempHome home = TempHome.create("labq-throughput", MACHINE_CPUS, "1T", TASK_THREADS);
             LabqScheduler labq = home.scheduler().expectedJobs(Math.max(100_000, 2L * (jobs + directJobs)))
                     .listener(dispatched).start()) {
            measure(threads, apiWarmup, dispatched, i -> labq.submit(NOOP, RETURN_ZERO));
            api = measure(threads, jobs, dispatched, i -> labq.submit(NOOP, RETURN_ZERO));
            if (directJobs > 0) {
                DirectClients clients = new DirectClients(home.home(), threads);
                try {
                    measure(threads, directWarmup, dispatched, clients::submit);
                    direct = measure(threads, directJobs, dispatched, clients::submit);
                } finally {
                    clients.close();
                }
            }
        }

        out.printf(Locale.ROOT, "%-44s %10s %14s %14s%n", "path", "jobs", "acked jobs/s", "dispatched/s");
        out.printf(Locale.ROOT, "%-44s %,10d %14.0f %14.0f%n", "api: LabqScheduler.submit", jobs, api.acknowledgedPerSecond(),
                api.dispatchedPerSecond());
        if (direct != null) {
            out.printf(Locale.ROOT, "%-44s %,10d %14.0f %14.0f%n", "direct: LabqClient.direct (one per thread)", directJobs,
                    direct.acknowledgedPerSecond(), direct.dispatchedPerSecond());
        }
        out.printf(Locale.ROOT, "%-44s %,10d %14.0f %14s%n", "baseline: 4 raw journal appends per job", jobs,
                baseline.acknowledgedPerSecond(), "-");
        out.println();
        out.println("acked = every submit call returned (the submission is journaled); dispatched = the scheduler's listener");
        out.println("  saw the last of them RUNNING (Dispatched journaled, tailed and folded). ratio = labq / baseline.");
        out.println();

        ResultLines results = new ResultLines(out);
        results.comparedRate("e2e.submit.throughput", api.dispatchedPerSecond(), baseline.acknowledgedPerSecond(), "jobs/s");
        results.metric("e2e.submit.acked_throughput", api.acknowledgedPerSecond(), "jobs/s");
        if (direct != null) {
            results.metric("e2e.submit.direct.throughput", direct.dispatchedPerSecond(), "jobs/s");
        }
        return BenchMain.OK;
    }

    /**
     * Submits {@code jobs} from {@code threads} threads (job i by thread i mod T) and waits until the listener
     * has seen all of them RUNNING.
     */
    private static Rate measure(int threads, int jobs, DispatchCounter dispatched, IntConsumer submit) {
        dispatched.expect(jobs);
        long start = System.nanoTime();
        long acknowledged = inParallel(threads, jobs, submit);
        long last = dispatched.awaitLast();
        return new Rate(jobs, acknowledged - start, last - start);
    }

    /** The ceiling: the same records, appended by the same number of threads, with nothing else going on. */
    private static Rate journalOnly(int threads, int warmup, int jobs) {
        try (TempHome home = TempHome.create("labq-throughput-journal", MACHINE_CPUS, "1T", TASK_THREADS);
             Journal journal = Journal.open(home.home().journal(), home.home().jobIds())) {
            Clock clock = Clock.system();
            IntConsumer appendJob = i -> {
                JobId id = JobId.of(EventCodec.appendSubmission(journal, clock.millis(), NOOP).number());
                EventCodec.append(journal, clock.millis(), new JournalEvent.Dispatched(id, 1, new Allocation(1, 1, List.of())));
                EventCodec.append(journal, clock.millis(), new JournalEvent.Started(id, 1, 0, 0));
                EventCodec.append(journal, clock.millis(), new JournalEvent.Finished(id, 1, JobState.COMPLETED, 0, null));
            };
            inParallel(threads, warmup, appendJob);
            long start = System.nanoTime();
            long done = inParallel(threads, jobs, appendJob);
            return new Rate(jobs, done - start, done - start);
        }
    }

    /** Runs {@code work} for 0..jobs-1 spread over {@code threads} threads; returns when the last one ended. */
    private static long inParallel(int threads, int jobs, IntConsumer work) {
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(() -> {
                try {
                    for (int i = first; i < jobs; i += threads) {
                        work.accept(i);
                    }
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }, "throughput-submitter-" + t);
            worker.start();
            workers.add(worker);
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a submitter failed: " + failures.get(0), failures.get(0));
        }
        return System.nanoTime();
    }

    /** One {@link LabqClient#direct} per submitter thread: a direct client is not meant to be shared. */
    private static final class DirectClients {
        private final List<LabqClient> clients = new ArrayList<>();

        DirectClients(LabqHome home, int threads) {
            for (int t = 0; t < threads; t++) {
                clients.add(LabqClient.direct(home));
            }
        }

        void submit(int i) {
            clients.get(i % clients.size()).submit(NOOP);
        }

        void close() {
            clients.forEach(LabqClient::close);
        }
    }

    /** Counts jobs becoming RUNNING and notes when the expected number is reached (on the decision thread). */
    private static final class DispatchCounter implements SchedulerListener {
        private final AtomicLong running = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile long reachedAt;
        private volatile CountDownLatch reached = new CountDownLatch(1);

        @Override
        public void jobChanged(JobChange change) {
            if (change.after().state() == JobState.RUNNING
                    && (change.before() == null || change.before().state() != JobState.RUNNING)
                    && running.incrementAndGet() == target) {
                reachedAt = System.nanoTime();
                reached.countDown();
            }
        }

        /** The next {@code jobs} dispatches are the ones to wait for. */
        void expect(int jobs) {
            reached = new CountDownLatch(1);
            target = running.get() + jobs;
        }

        long awaitLast() {
            try {
                if (!reached.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("only " + running.get() + " of " + target + " jobs dispatched after "
                            + WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return reachedAt;
        }
    }

    /** {@code jobs} done: all acknowledged after {@code acknowledgedNanos}, all dispatched after {@code dispatchedNanos}. */
    private record Rate(int jobs, long acknowledgedNanos, long dispatchedNanos) {
        double acknowledgedPerSecond() {
            return jobs * 1e9 / acknowledgedNanos;
        }

        double dispatchedPerSecond() {
            return jobs * 1e9 / dispatchedNanos;
        }
    }
}
