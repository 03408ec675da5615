package dev.labq.core.testkit;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.store.Journal;

/**
 * Writes journal entries the way a scheduler (or a crashed one) would have, to set up a home for a restart
 * test: for example a job that was dispatched and started by a scheduler that then died.
 */
public final class HandWrittenJournal {
    /** The timestamp of hand-written entries. */
    public static final long AT_MILLIS = 1_700_000_000_000L;

    private HandWrittenJournal() {
    }

    /** Journals a submission under the next job id, as a client would. */
    public static JobId submit(LabqHome home, JobSpec spec) {
        try (Journal journal = Journal.open(home.journal(), home.jobIds())) {
            long number = journal.appendNumbered(EventCodec.typeOf(JournalEvent.Submitted.class),
                    EventCodec.PAYLOAD_VERSION, AT_MILLIS,
                    n -> EventCodec.encode(new JournalEvent.Submitted(JobId.of(n), spec))).number();
            return JobId.of(number);
        }
    }

    /** Journals events in order; returns the index of the last. */
    public static long append(LabqHome home, JournalEvent... events) {
        try (Journal journal = Journal.open(home.journal(), home.jobIds())) {
            long index = Journal.BEFORE_FIRST;
            for (JournalEvent event : events) {
                index = journal.append(EventCodec.typeOf(event), EventCodec.PAYLOAD_VERSION, AT_MILLIS,
                        EventCodec.encode(event));
            }
            return index;
        }
    }

    /** How many entries the journal holds. */
    public static long entries(LabqHome home) {
        long n = 0;
        try (Journal journal = Journal.openReadOnly(home.journal()); var reader = journal.reader(Journal.BEFORE_FIRST)) {
            while (reader.next() != null) {
                n++;
            }
        }
        return n;
    }

    /** The index of the first entry of {@code type}. */
    public static long indexOf(LabqHome home, Class<? extends JournalEvent> type) {
        try (Journal journal = Journal.openReadOnly(home.journal()); var reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (var e = reader.next(); e != null; e = reader.next()) {
                if (e.type() == EventCodec.typeOf(type)) {
                    return e.index();
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the journal");
    }
}
