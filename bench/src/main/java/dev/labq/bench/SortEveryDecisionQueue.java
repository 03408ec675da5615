package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ReadyQueue;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline of the decision-latency harness: the ready queue one writes first. Pending jobs sit unordered;
 * the first look for the head after any change copies them all and sorts the copy with the policy's
 * comparator, so every decision that follows a submission or an end sorts everything.
 *
 * <p>Plugged into a {@link DecisionCore}, it makes exactly labq's decisions: only finding the head differs.
 * Not thread-safe.
 */
final class SortEveryDecisionQueue implements ReadyQueue {
    private final Comparator<JobStatus> order;
    private final Map<Long, JobStatus> pending = new LinkedHashMap<>();
    private List<JobStatus> sorted;
    private int head;

    SortEveryDecisionQueue(Comparator<JobStatus> order) {
        this.order = order;
    }

    @Override
    public void add(JobStatus job) {
        pending.put(job.id().value(), job);
        sorted = null;
    }

    @Override
    public void remove(JobStatus job) {
        if (pending.remove(job.id().value()) != null) {
            sorted = null;
        }
    }

    @Override
    public JobStatus first() {
        if (sorted == null) {
            sorted = new ArrayList<>(pending.values());
            sorted.sort(order);
            head = 0;
        }
        return head < sorted.size() ? sorted.get(head) : null;
    }

    @Override
    public JobStatus pollFirst() {
        JobStatus first = first();
        if (first != null) {
            pending.remove(first.id().value());
            head++; // the rest of the copy stays in order
        }
        return first;
    }

    @Override
    public int size() {
        return pending.size();
    }

    @Override
    public Iterator<JobStatus> iterator() {
        first();
        return sorted.subList(head, sorted.size()).iterator();
    }
}
