package dev.labq.core.event;

import dev.labq.core.domain.JobSpec;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;

/**
 * The decision stage's way into the journal: appends as of the clock and remembers the last index it
 * appended, so the stage knows when the fold has caught up with its own writes. One thread uses it.
 */
public final class JournalWriter {
    private final Journal journal;
    private final Clock clock;
    private long appendedUpTo = Journal.BEFORE_FIRST;

    public JournalWriter(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    public long append(JournalEvent event) {
        appendedUpTo = EventCodec.append(journal, clock.millis(), event);
        return appendedUpTo;
    }

    /** Appends a submission under the next job id. */
    public Journal.Numbered appendSubmission(JobSpec spec) {
        Journal.Numbered numbered = EventCodec.appendSubmission(journal, clock.millis(), spec);
        appendedUpTo = numbered.index();
        return numbered;
    }

    /** The index of the last entry appended through this writer. */
    public long appendedUpTo() {
        return appendedUpTo;
    }

    public Journal journal() {
        return journal;
    }
}
