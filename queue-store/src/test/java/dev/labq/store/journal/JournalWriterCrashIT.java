package dev.labq.store.journal;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.store.testkit.ChildJvm;
import dev.labq.store.testkit.StoreChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.labq.store.testkit.Journals.numbersIn;
import static dev.labq.store.testkit.Journals.readAll;
import static org.junit.jupiter.api.Assertions.*;

/** A writer killed with kill -9 in the middle of appending: readers see only whole records, writers carry on. */
@Timeout(90)
class JournalWriterCrashIT {
    private static final int SEEN_BEFORE_KILL = 2_000;

    @TempDir
    Path home;

    @Test
    void writerKilledMidAppendLeavesOnlyWholeCrcValidRecordsAndTheNextWriterAppends() throws Exception {
        Path dir = home.resolve("journal");
        Path sequence = home.resolve("sequence");
        try (ChildJvm child = ChildJvm.start(home, "append-forever", dir.toString(), sequence.toString())) {
            child.await("APPENDING", Duration.ofSeconds(30));
            try (Journal watcher = Journal.openReadOnly(dir); JournalReader reader = watcher.reader(Journal.BEFORE_FIRST)) {
                awaitRecords(reader, SEEN_BEFORE_KILL, Duration.ofSeconds(30));
            }
            child.kill(); // the child is appending in a tight loop: this lands mid-append most of the time
        }

        try (Journal journal = Journal.open(dir, sequence)) {
            // unframe checks each record's length and CRC, so reading everything back is the check
            List<JournalEntry> survivors = readAll(journal);
            List<Long> numbers = numbersIn(survivors);
            assertTrue(numbers.size() >= SEEN_BEFORE_KILL, "records seen before the kill are still there: " + numbers.size());
            for (int i = 0; i < numbers.size(); i++) {
                assertEquals(i + 1, numbers.get(i), "whole records, in number order, no gaps before the kill point");
            }

            Journal.Numbered next = journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
            long lastSurvivor = numbers.get(numbers.size() - 1);
            assertTrue(next.number() > lastSurvivor, "number after the crash " + next.number()
                    + " is above every surviving one " + lastSurvivor);
            assertTrue(next.number() <= lastSurvivor + 2, "at most the one number the child took is skipped");

            List<JournalEntry> after = readAll(journal, survivors.get(survivors.size() - 1).index());
            assertEquals(List.of(next.number()), numbersIn(after));
            assertEquals(next.index(), after.get(0).index());
        }
    }

    private static void awaitRecords(JournalReader reader, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (seen < count) {
            if (reader.next() != null) {
                seen++;
            } else if (System.nanoTime() > deadline) {
                fail("saw only " + seen + " of " + count + " records within " + timeout);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
