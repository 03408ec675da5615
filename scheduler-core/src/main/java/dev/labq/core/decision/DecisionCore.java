package dev.labq.core.decision;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling state and the decision, without I/O: the job table (the fold), the ready index ordered by
 * the {@link PriorityPolicy}, and the resource pool. The ring's decision stage drives it; the simulator
 * and the benchmarks drive it directly on a virtual clock.
 *
 * <p>The highest-priority ready job starts as soon as it fits. While it waits for resources, EASY backfill
 * (Lifka's, as in Slurm's backfill with one reservation) may start jobs behind it that cannot delay it: its
 * reserved start is the earliest time enough running jobs have reached their time limits for it to fit,
 * and a job behind it starts now if it fits now and either its own time limit ends before that time or it
 * uses only what the head leaves free then. Jobs without a time limit never end in this plan, so a head
 * waiting on one has no reserved time: jobs with a limit still backfill (each holds resources for at most
 * its limit), jobs without one do not. With backfill off, nothing behind a waiting head starts.
 *
 * <p>A decision reserves resources at once ("in flight") and is confirmed or voided when its
 * {@link Dispatched} entry comes back through the journal.
 *
 * <p>Not thread-safe: one thread owns it.
 */
public final class DecisionCore {
    private final JobTable table;
    private final Placement pool;
    private final PriorityPolicy policy;
    private final ReadyQueue ready;
    private final Map<Long, JobStatus> readyById = new HashMap<>();
    private final Map<Long, Allocation> inFlight = new HashMap<>();
    /** Running and in-flight jobs with the time their limit ends them: backfill's plan of the future. */
    private final Map<Long, RunningJob> running = new HashMap<>();
    private final int backfillDepth;
    private final Capacity noCapacity;
    private JobId blockedHead;

    /** Strict priority, no backfill. */
    public DecisionCore(JobTable table, Placement pool, PriorityPolicy policy) {
        this(table, pool, policy, ReadyQueue.ordered(policy.order()), 0);
    }

    /**
     * @param ready         the ready index; the benchmarks' baselines differ from labq only there
     * @param backfillDepth how many waiting jobs a backfill pass looks at; 0 turns backfill off
     */
    public DecisionCore(JobTable table, Placement pool, PriorityPolicy policy, ReadyQueue ready, int backfillDepth) {
        this.table = table;
        this.pool = pool;
        this.policy = policy;
        this.ready = ready;
        this.backfillDepth = backfillDepth;
        this.noCapacity = Capacity.none(pool.inventory());
        for (JobStatus job : table.all()) {
            if (job.state() == JobState.RUNNING && job.allocation() != null) {
                pool.reserve(job.allocation());
                running.put(job.id().value(), new RunningJob(job.allocation(), limitEnd(job.startMillis(), job.spec())));
            }
            refreshReady(job);
        }
    }

    private record RunningJob(Allocation allocation, long endMillis) {
    }

    /** When a job started at {@code startMillis} reaches its time limit; never, without one. */
    private static long limitEnd(Long startMillis, JobSpec spec) {
        Long limit = spec.timeLimitSeconds();
        if (limit == null || startMillis == null) {
            return Long.MAX_VALUE;
        }
        long end = startMillis + limit * 1000;
        return end < startMillis ? Long.MAX_VALUE : end;
    }

    /** Applies one journal entry to the table and keeps the ready index and the pool in step. */
    public List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
        List<JobChange> changes = table.apply(index, timestampMillis, event);
        if (event instanceof Dispatched d && changes.isEmpty()) {
            Allocation voided = inFlight.remove(d.job().value());
            if (voided != null) {
                pool.release(voided);
                running.remove(d.job().value());
            }
        }
        for (JobChange change : changes) {
            follow(change);
        }
        return changes;
    }

    private void follow(JobChange change) {
        JobStatus before = change.before();
        JobStatus after = change.after();
        long id = after.id().value();
        if (after.state() == JobState.RUNNING && (before == null || before.state() != JobState.RUNNING)) {
            if (inFlight.remove(id) == null) {
                pool.reserve(after.allocation()); // dispatched by an earlier scheduler run
            }
            running.put(id, new RunningJob(after.allocation(), limitEnd(after.startMillis(), after.spec())));
        } else if (before != null && before.state() == JobState.RUNNING && after.state() != JobState.RUNNING) {
            pool.release(before.allocation());
            running.remove(id);
        }
        refreshReady(after);
        if (after.state() == JobState.COMPLETED) {
            for (JobId child : table.dependentsOf(after.id())) {
                refreshReady(table.get(child));
            }
        }
    }

    private void refreshReady(JobStatus job) {
        JobStatus old = readyById.remove(job.id().value());
        if (old != null) {
            ready.remove(old);
        }
        if (job.state() == JobState.PENDING && !inFlight.containsKey(job.id().value()) && table.dependenciesMet(job)) {
            ready.add(job);
            readyById.put(job.id().value(), job);
        }
    }

    /**
     * Picks the jobs to start at {@code nowMillis}, in priority order, reserving their resources; returns the
     * dispatch entries to journal. Stops at the first job that does not fit, after backfilling behind it.
     */
    public List<Dispatched> decide(long nowMillis) {
        List<Dispatched> decisions = new ArrayList<>(2);
        blockedHead = null;
        for (JobStatus head = ready.first(); head != null; head = ready.first()) {
            Allocation allocation = pool.tryReserve(head.spec().resources());
            if (allocation == null) {
                blockedHead = head.id();
                if (backfillDepth > 0) {
                    backfill(head, nowMillis, decisions);
                }
                break;
            }
            ready.pollFirst();
            readyById.remove(head.id().value());
            dispatch(head, allocation, nowMillis, decisions);
        }
        return decisions;
    }

    private void dispatch(JobStatus job, Allocation allocation, long nowMillis, List<Dispatched> decisions) {
        inFlight.put(job.id().value(), allocation);
        running.put(job.id().value(), new RunningJob(allocation, limitEnd(nowMillis, job.spec())));
        decisions.add(new Dispatched(job.id(), job.attempt() + 1, allocation));
    }

    /** EASY backfill behind {@code head} (see the class comment). */
    private void backfill(JobStatus head, long nowMillis, List<Dispatched> decisions) {
        Resources wanted = head.spec().resources();
        long reservedStart = Long.MAX_VALUE;
        Capacity leftBesideHead = noCapacity.empty(); // what the head leaves free at its reserved start
        Capacity freeThen = noCapacity.freeIn(pool);
        List<RunningJob> byEnd = new ArrayList<>(running.values());
        byEnd.sort(Comparator.comparingLong(RunningJob::endMillis));
        for (RunningJob job : byEnd) {
            if (job.endMillis() == Long.MAX_VALUE) {
                break;
            }
            freeThen.add(job.allocation());
            if (freeThen.fits(wanted)) {
                reservedStart = job.endMillis();
                freeThen.subtract(wanted);
                leftBesideHead = freeThen;
                break;
            }
        }
        List<JobStatus> started = new ArrayList<>();
        int looked = 0;
        for (JobStatus job : ready) {
            if (job == head) {
                continue;
            }
            if (++looked > backfillDepth) {
                break;
            }
            Resources request = job.spec().resources();
            boolean endsBeforeHead = job.spec().timeLimitSeconds() != null && limitEnd(nowMillis, job.spec()) <= reservedStart;
            if (!endsBeforeHead && !leftBesideHead.fits(request)) {
                continue;
            }
            Allocation allocation = pool.tryReserve(request);
            if (allocation == null) {
                continue;
            }
            if (!endsBeforeHead) {
                leftBesideHead.subtract(request);
            }
            started.add(job);
            dispatch(job, allocation, nowMillis, decisions);
        }
        for (JobStatus job : started) {
            ready.remove(job);
            readyById.remove(job.id().value());
        }
    }

    /** Why a pending or held job is not running, in Slurm's words. */
    public String pendingReason(JobStatus job) {
        if (job.state() == JobState.HELD) {
            return "Held";
        }
        if (job.state() != JobState.PENDING) {
            return job.reason();
        }
        if (inFlight.containsKey(job.id().value())) {
            return "Dispatching";
        }
        if (!table.dependenciesMet(job)) {
            return "Dependency";
        }
        return job.id().equals(blockedHead) ? "Resources" : "Priority";
    }

    public JobTable table() {
        return table;
    }

    public Placement pool() {
        return pool;
    }

    public PriorityPolicy policy() {
        return policy;
    }

    /** Ready jobs (pending, dependencies met), for tests and benchmarks. */
    public int readyCount() {
        return ready.size();
    }

    public boolean isInFlight(JobId job) {
        return inFlight.containsKey(job.value());
    }
}
