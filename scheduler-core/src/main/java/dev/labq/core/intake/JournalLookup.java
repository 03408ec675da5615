package dev.labq.core.intake;

import dev.labq.core.domain.JobId;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;

/** Looks things up in the journal itself, for when no fold of it is at hand. */
public final class JournalLookup {
    private static final int SUBMITTED = EventCodec.typeOf(JournalEvent.Submitted.class);
    private static final int JOBS = EventCodec.typeOf(JournalEvent.JobsSubmitted.class);
    private static final int ARRAY = EventCodec.typeOf(JournalEvent.ArraySubmitted.class);

    private JournalLookup() {
    }

    /** Whether a submission of {@code job} (alone or in a block of jobs submitted together) was journaled after {@code afterIndex}. */
    public static boolean submittedAfter(Journal journal, long afterIndex, JobId job) {
        try (JournalReader reader = journal.reader(afterIndex)) {
            for (JournalEntry e = reader.next(); e != null; e = reader.next()) {
                if (e.type() == SUBMITTED && job.equals(EventCodec.decode(e).job())) {
                    return true;
                }
                if ((e.type() == JOBS || e.type() == ARRAY) && EventCodec.decode(e) instanceof JournalEvent.Block block
                        && block.holds(job)) {
                    return true;
                }
            }
        }
        return false;
    }
}
