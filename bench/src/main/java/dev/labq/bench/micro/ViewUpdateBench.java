package dev.labq.bench.micro;

import dev.labq.bench.JobMix;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.usage.AccountUsage;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobTable;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.Views;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writing what one journal entry changed into the persisted views ({@link ViewProjection#write} into real
 * Chronicle Maps in a temporary directory), which the scheduler does for every entry after folding it:
 *
 * <ul>
 *   <li>{@link #writeDispatchedJob}: a job starts: its status (JSON) into {@code jobs}, its allocation into
 *       {@code allocations}, the last applied index into {@code meta}.</li>
 *   <li>{@link #writeFinishedJob}: a job ends: its status, the removal of its allocation (already gone after
 *       the first pass over the set), and the two accounts the usage ledger charged for it (its project and
 *       its user, {@code UsageLedger.drainChanged()}, computed beforehand) into {@code usage}, then the
 *       index.</li>
 * </ul>
 *
 * <p>The views hold 10,000 jobs, and the writes cycle over 256 of them (a 64-CPU machine runs at most 64
 * at once): entries are overwritten, never added, so the maps stay within their sized capacity however long
 * the run. Chronicle needs its JVM flags in the forked JVM; the {@code micro} harness appends them.
 * No budget is checked: none exists yet.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Ten warm-up seconds, not five: here the finished-job write fell from ~700 us/op in its first second to ~13 us
// only after about 9 s; class loading and reflective Jackson calls still showed in a stack profile of the first seconds.
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ViewUpdateBench {
    private static final long SEED = 13;
    private static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long RUN_MILLIS = 600_000;
    private static final int JOBS = 10_000;
    private static final int CYCLED_JOBS = 256;

    private ScratchDirectory directory;
    private Views views;
    private ViewProjection projection;
    private List<JobChange>[] dispatchedChanges;
    private List<JobChange>[] finishedChanges;
    private List<AccountUsage>[] dispatchedUsage;
    private List<AccountUsage>[] finishedUsage;
    private long index;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void openViewsWithJobs() {
        directory = new ScratchDirectory("labq-micro-views");
        views = Views.openForWriter(directory.resolve("views"), JOBS);
        projection = new ViewProjection(views);
        JobTable table = new JobTable();
        UsageLedger ledger = new UsageLedger(JobMix.CONFIG);
        JobMix mix = new JobMix(SEED);
        for (int i = 1; i <= JOBS; i++) {
            long submitted = ++index;
            Submitted entry = new Submitted(JobId.of(i), mix.next(START_MILLIS));
            List<JobChange> changes = table.apply(submitted, START_MILLIS, entry);
            ledger.apply(submitted, START_MILLIS, entry, changes);
            projection.write(submitted, changes, ledger.drainChanged());
        }
        dispatchedChanges = new List[CYCLED_JOBS];
        finishedChanges = new List[CYCLED_JOBS];
        dispatchedUsage = new List[CYCLED_JOBS];
        finishedUsage = new List[CYCLED_JOBS];
        for (int i = 0; i < CYCLED_JOBS; i++) {
            JobId job = JobId.of(i + 1L);
            // A fresh pool always fits one job and places its GPUs as the decision stage would.
            Allocation allocation = new ResourcePool(JobMix.MACHINE).tryReserve(table.get(job).spec().resources());
            Dispatched dispatched = new Dispatched(job, 1, allocation);
            dispatchedChanges[i] = table.apply(++index, START_MILLIS, dispatched);
            ledger.apply(index, START_MILLIS, dispatched, dispatchedChanges[i]);
            dispatchedUsage[i] = ledger.drainChanged();
            Finished finished = new Finished(job, 1, JobState.COMPLETED, 0, "Completed");
            finishedChanges[i] = table.apply(++index, START_MILLIS + RUN_MILLIS, finished);
            ledger.apply(index, START_MILLIS + RUN_MILLIS, finished, finishedChanges[i]);
            finishedUsage[i] = ledger.drainChanged();
            if (dispatchedChanges[i].size() != 1 || finishedChanges[i].size() != 1 || finishedUsage[i].size() != 2) {
                throw new IllegalStateException("job " + job + " was not dispatched and finished by the fold: "
                        + dispatchedChanges[i] + " " + finishedChanges[i] + " usage " + finishedUsage[i]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void deleteViews() {
        views.close();
        directory.close();
    }

    @Benchmark
    public long writeDispatchedJob() {
        int k = next++ & (CYCLED_JOBS - 1);
        projection.write(++index, dispatchedChanges[k], dispatchedUsage[k]);
        return index;
    }

    @Benchmark
    public long writeFinishedJob() {
        int k = next++ & (CYCLED_JOBS - 1);
        projection.write(++index, finishedChanges[k], finishedUsage[k]);
        return index;
    }
}
