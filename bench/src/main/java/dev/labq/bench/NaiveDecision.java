package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the decision-latency harness: the scheduler one writes first. It keeps the pending jobs in
 * an unordered map and, on every decision, copies them, sorts the copy with the policy's comparator and walks
 * it from the top.
 *
 * <p>It makes the same decisions as {@link DecisionCore} (same {@link JobTable}, {@link ResourcePool} and
 * {@link PriorityPolicy}; strict priority: it stops at the first job that does not fit, rather than skipping
 * to a later one that would), so the two differ only in how they find the head of the queue. Jobs with
 * dependencies are not modelled: the harness submits none.
 *
 * <p>Not thread-safe: one thread owns it.
 */
public final class NaiveDecision implements Decider {
    private final JobTable table;
    private final ResourcePool pool;
    private final PriorityPolicy policy;
    private final Map<Long, JobStatus> pending = new LinkedHashMap<>();
    private final Map<Long, Allocation> inFlight = new HashMap<>();

    public NaiveDecision(JobTable table, ResourcePool pool, PriorityPolicy policy) {
        this.table = table;
        this.pool = pool;
        this.policy = policy;
    }

    @Override
    public void apply(long index, long timestampMillis, JournalEvent event) {
        List<JobChange> changes = table.apply(index, timestampMillis, event);
        if (event instanceof Dispatched d && changes.isEmpty()) {
            Allocation voided = inFlight.remove(d.job().value());
            if (voided != null) {
                pool.release(voided);
            }
        }
        for (JobChange change : changes) {
            JobStatus before = change.before();
            JobStatus after = change.after();
            long id = after.id().value();
            boolean wasRunning = before != null && before.state() == JobState.RUNNING;
            if (after.state() == JobState.RUNNING && !wasRunning) {
                if (inFlight.remove(id) == null) {
                    pool.reserve(after.allocation());
                }
            } else if (wasRunning && after.state() != JobState.RUNNING) {
                pool.release(before.allocation());
            }
            if (after.state() == JobState.PENDING && !inFlight.containsKey(id)) {
                pending.put(id, after);
            } else {
                pending.remove(id);
            }
        }
    }

    @Override
    public List<Dispatched> decide() {
        List<JobStatus> sorted = new ArrayList<>(pending.values());
        sorted.sort(policy.order());
        List<Dispatched> decisions = new ArrayList<>(2);
        for (JobStatus job : sorted) {
            Allocation allocation = pool.tryReserve(job.spec().resources());
            if (allocation == null) {
                break;
            }
            pending.remove(job.id().value());
            inFlight.put(job.id().value(), allocation);
            decisions.add(new Dispatched(job.id(), job.attempt() + 1, allocation));
        }
        return decisions;
    }

    @Override
    public int readyCount() {
        return pending.size();
    }
}
