package dev.labq.core.client;

import dev.labq.core.LabqException;
import dev.labq.core.event.EventCodec;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.store.StoreException;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Streams journal entries as JSON lines, optionally following new ones until told to stop. */
final class JournalFollower {
    private JournalFollower() {
    }

    static void stream(Journal journal, long fromIndex, boolean follow, Consumer<String> lines, BooleanSupplier stop) {
        JournalReader reader;
        try {
            reader = journal.readerAt(fromIndex);
        } catch (StoreException e) {
            throw new LabqException(LabqException.Kind.INVALID_INPUT, "invalid from=" + fromIndex + ": " + e.getMessage(), e);
        }
        try (reader) {
            int idle = 0;
            while (!stop.getAsBoolean()) {
                JournalEntry entry = reader.next();
                if (entry != null) {
                    lines.accept(EventCodec.toJsonLine(entry));
                    idle = 0;
                } else if (!follow) {
                    return;
                } else {
                    LockSupport.parkNanos(++idle < 100 ? 100_000 : 5_000_000); // waiting for new entries
                }
            }
        }
    }
}
