package dev.labq.core.decision;

import dev.labq.core.state.JobStatus;

import java.util.Comparator;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The pending jobs that could start now (dependencies met, not being dispatched), in the policy's order.
 * {@link DecisionCore} keeps it; the default is a balanced tree, so finding the next job costs O(log n).
 * Not thread-safe.
 */
public interface ReadyQueue extends Iterable<JobStatus> {

    /** Adds a job; it is removed again with the same instance. */
    void add(JobStatus job);

    void remove(JobStatus job);

    /** The job that runs next, or {@code null} when none is ready. */
    JobStatus first();

    /** Removes and returns {@link #first()}. */
    JobStatus pollFirst();

    int size();

    /** The jobs in order, first to last (backfill looks behind the first); do not change the queue meanwhile. */
    @Override
    Iterator<JobStatus> iterator();

    /** The default: a tree ordered by {@code order}. */
    static ReadyQueue ordered(Comparator<JobStatus> order) {
        TreeSet<JobStatus> tree = new TreeSet<>(order);
        return new ReadyQueue() {
            @Override
            public void add(JobStatus job) {
                tree.add(job);
            }

            @Override
            public void remove(JobStatus job) {
                tree.remove(job);
            }

            @Override
            public JobStatus first() {
                return tree.isEmpty() ? null : tree.first();
            }

            @Override
            public JobStatus pollFirst() {
                return tree.pollFirst();
            }

            @Override
            public int size() {
                return tree.size();
            }

            @Override
            public Iterator<JobStatus> iterator() {
                return tree.iterator();
            }
        };
    }
}
