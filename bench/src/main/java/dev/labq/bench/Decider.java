package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;

import java.util.List;

/**
 * What the decision-latency harness drives: labq's {@link DecisionCore}, or the {@link NaiveDecision}
 * baseline. Both fold journal entries and pick the next jobs under the same policy and resource pool.
 */
interface Decider {

    /** Applies one journal entry, as {@link DecisionCore#apply} does. */
    void apply(long index, long timestampMillis, JournalEvent event);

    /** Picks the jobs to start now, reserving their resources. */
    List<Dispatched> decide();

    /** Pending jobs that could start (dependencies met, not in flight). */
    int readyCount();

    /** labq's decision core behind this interface. */
    static Decider of(DecisionCore core) {
        return new Decider() {
            @Override
            public void apply(long index, long timestampMillis, JournalEvent event) {
                core.apply(index, timestampMillis, event);
            }

            @Override
            public List<Dispatched> decide() {
                return core.decide();
            }

            @Override
            public int readyCount() {
                return core.readyCount();
            }
        };
    }
}
