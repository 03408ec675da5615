package dev.labq.bench.micro;

import dev.labq.bench.JobMix;
import dev.labq.core.decision.ReadyQueue;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What recomputing priorities costs with many jobs pending, for the two kinds of change a scheduler meets:
 *
 * <ul>
 *   <li>{@link #changeOneDeadline}: one job's deadline moves. The ready queue is ordered by the policy, so the
 *       job must leave it and come back with its new spec (a {@code TreeSet} cannot re-sort an element in
 *       place). labq has no deadline-change command yet; this is the queue work one would do, plus building
 *       the new spec and status as the fold would.</li>
 *   <li>{@link #resortAllPending}: a change that reorders everyone (a project's importance, another policy)
 *       means building the ready queue again from all pending jobs, as {@code DecisionCore}'s constructor
 *       does.</li>
 * </ul>
 *
 * <p>The jobs are {@link JobMix}'s (a fifth with a deadline, four project importances), submitted 100 ms apart.
 * No budget is checked: none exists yet for either change.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PriorityChangeBench {
    private static final long SEED = 7;
    private static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long SUBMIT_GAP_MILLIS = 100;
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Precomputed changes, cycled, so that drawing random numbers is not part of the timed work. */
    private static final int CHANGES = 1 << 16;

    @Param({"100000"})
    public int pending;

    private Comparator<JobStatus> order;
    /** The pending jobs in submission order; {@link #changeOneDeadline} swaps in the changed instances. */
    private JobStatus[] jobs;
    private ReadyQueue ready;
    private int[] changedJob;
    private long[] newDeadline;
    private int nextChange;

    @Setup(Level.Trial)
    public void queuePendingJobs() {
        JobTable table = new JobTable();
        JobMix mix = new JobMix(SEED);
        jobs = new JobStatus[pending];
        for (int i = 0; i < pending; i++) {
            long submitted = START_MILLIS + i * SUBMIT_GAP_MILLIS;
            JobId id = JobId.of(i + 1L);
            table.apply(i + 1L, submitted, new Submitted(id, mix.next(submitted)));
            jobs[i] = table.get(id);
        }
        order = new ImportanceDeadlineAgePolicy(JobMix.CONFIG).order();
        ready = ReadyQueue.ordered(order);
        for (JobStatus job : jobs) {
            ready.add(job);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        long lastSubmission = START_MILLIS + pending * SUBMIT_GAP_MILLIS;
        changedJob = new int[CHANGES];
        newDeadline = new long[CHANGES];
        for (int i = 0; i < CHANGES; i++) {
            changedJob[i] = random.nextInt(pending);
            long deadline = lastSubmission + HOUR_MILLIS + random.nextLong(47 * HOUR_MILLIS);
            newDeadline[i] = deadline - deadline % 60_000; // minutes, as people type them
        }
    }

    @Benchmark
    public JobStatus changeOneDeadline() {
        int change = nextChange++ & (CHANGES - 1);
        int k = changedJob[change];
        JobStatus before = jobs[k];
        ready.remove(before);
        JobStatus after = withDeadline(before, newDeadline[change]);
        ready.add(after);
        jobs[k] = after;
        return ready.first();
    }

    @Benchmark
    public ReadyQueue resortAllPending() {
        ReadyQueue rebuilt = ReadyQueue.ordered(order);
        for (JobStatus job : jobs) {
            rebuilt.add(job);
        }
        return rebuilt;
    }

    private static JobStatus withDeadline(JobStatus job, long deadlineMillis) {
        JobSpec s = job.spec();
        JobSpec changed = new JobSpec(s.name(), s.kind(), s.argv(), s.shell(), s.env(), s.workdir(), s.project(), s.user(),
                s.resources(), s.importance(), deadlineMillis, s.timeLimitSeconds(), s.afterOk(), s.hold());
        return new JobStatus(job.id(), changed, job.state(), job.submitMillis(), job.startMillis(), job.endMillis(),
                job.attempt(), job.pid(), job.pidStartMillis(), job.exitCode(), job.reason(), job.allocation(),
                job.cancelRequested(), job.lastIndex());
    }
}
