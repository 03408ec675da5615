package dev.labq.core.state;

import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.usage.UsageLedger;

import java.util.List;

/**
 * The fold of the journal that every reader shares: the job table and the usage ledger, applied together so
 * they never disagree. The decision core folds through its own copy; readers without a scheduler use this.
 */
public record Fold(JobTable table, UsageLedger ledger) {

    /** Applies one entry to both; returns the job changes. */
    public List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
        List<JobChange> changes = table.apply(index, timestampMillis, event);
        ledger.apply(index, timestampMillis, event, changes);
        return changes;
    }
}
