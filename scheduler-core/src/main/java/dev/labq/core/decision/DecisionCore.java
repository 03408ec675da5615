package dev.labq.core.decision;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling state and the decision, without I/O: the job table (the fold), the ready index ordered by
 * the {@link PriorityPolicy}, and the resource pool. The ring's decision stage drives it; the simulator
 * and the benchmarks drive it directly on a virtual clock.
 *
 * <p>Decisions are strict priority: the highest-priority ready job starts as soon as it fits, and nothing
 * behind it starts before it (no starvation of large jobs; backfill is a later policy). A decision reserves
 * resources at once ("in flight") and is confirmed or voided when its {@link Dispatched} entry comes back
 * through the journal.
 *
 * <p>Not thread-safe: one thread owns it.
 */
public final class DecisionCore {
    private final JobTable table;
    private final ResourcePool pool;
    private final PriorityPolicy policy;
    private final ReadyQueue ready;
    private final Map<Long, JobStatus> readyById = new HashMap<>();
    private final Map<Long, Allocation> inFlight = new HashMap<>();
    private JobId blockedHead;

    public DecisionCore(JobTable table, ResourcePool pool, PriorityPolicy policy) {
        this(table, pool, policy, ReadyQueue.ordered(policy.order()));
    }

    /** With another ready queue: the benchmarks' baselines differ from labq only there. */
    public DecisionCore(JobTable table, ResourcePool pool, PriorityPolicy policy, ReadyQueue ready) {
        this.table = table;
        this.pool = pool;
        this.policy = policy;
        this.ready = ready;
        for (JobStatus job : table.all()) {
            if (job.state() == JobState.RUNNING && job.allocation() != null) {
                pool.reserve(job.allocation());
            }
            refreshReady(job);
        }
    }

    /** Applies one journal entry to the table and keeps the ready index and the pool in step. */
    public List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
        List<JobChange> changes = table.apply(index, timestampMillis, event);
        if (event instanceof Dispatched d && changes.isEmpty()) {
            Allocation voided = inFlight.remove(d.job().value());
            if (voided != null) {
                pool.release(voided);
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
        } else if (before != null && before.state() == JobState.RUNNING && after.state() != JobState.RUNNING) {
            pool.release(before.allocation());
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
     * Picks the jobs to start now, in priority order, reserving their resources; returns the dispatch
     * entries to journal. Stops at the first job that does not fit.
     */
    public List<Dispatched> decide() {
        List<Dispatched> decisions = new ArrayList<>(2);
        blockedHead = null;
        for (JobStatus head = ready.first(); head != null; head = ready.first()) {
            Allocation allocation = pool.tryReserve(head.spec().resources());
            if (allocation == null) {
                blockedHead = head.id();
                break;
            }
            ready.pollFirst();
            readyById.remove(head.id().value());
            inFlight.put(head.id().value(), allocation);
            decisions.add(new Dispatched(head.id(), head.attempt() + 1, allocation));
        }
        return decisions;
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

    public ResourcePool pool() {
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
