package dev.labq.store.journal;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.labq.store.testkit.Journals.readAll;
import static org.junit.jupiter.api.Assertions.*;

/** The journal as a caller sees it: append, read back, tail from an index, read-only access. */
@Timeout(60)
class ChronicleJournalTest {
    @TempDir
    Path home;

    private Path dir() {
        return home.resolve("journal");
    }

    private Journal open() {
        return Journal.open(dir(), home.resolve("sequence"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsReadBackInAppendOrderWithTypeVersionTimestampAndPayload() {
        try (Journal journal = open()) {
            long first = journal.append(1, 1, 1_000L, utf8("submit a"));
            long second = journal.append(2, 7, 2_000L, new byte[0]);
            long third = journal.append(255, 0xFFFF, -5L, utf8("finish a"));

            List<JournalEntry> entries = readAll(journal);

            assertEquals(3, entries.size());
            assertEntry(entries.get(0), first, 1, 1, 1_000L, "submit a");
            assertEntry(entries.get(1), second, 2, 7, 2_000L, "");
            assertEntry(entries.get(2), third, 255, 0xFFFF, -5L, "finish a");
            assertTrue(first < second && second < third, "indexes increase: " + first + ", " + second + ", " + third);
        }
    }

    @Test
    void emptyJournalHasLastIndexBeforeFirstAndReaderReturnsNull() {
        try (Journal journal = open(); JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            assertEquals(Journal.BEFORE_FIRST, journal.lastIndex());
            assertNull(reader.next());
        }
    }

    @Test
    void lastIndexIsTheIndexOfTheLastAppend() {
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, utf8("a"));
            long last = journal.append(1, 1, 0L, utf8("b"));
            assertEquals(last, journal.lastIndex());
        }
    }

    @Test
    void readerNeverSeesRecordsBeyondLastAppendAndPicksUpLaterOnes() {
        try (Journal journal = open(); JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            journal.append(1, 1, 0L, utf8("a"));
            assertEquals("a", text(reader.next()));
            assertNull(reader.next(), "nothing past the last append");

            journal.append(1, 1, 0L, utf8("b"));
            assertEquals("b", text(reader.next()));
            assertNull(reader.next());
        }
    }

    @Test
    void readerAfterAnIndexStartsWithTheRecordAfterIt() {
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, utf8("a"));
            long b = journal.append(1, 1, 0L, utf8("b"));
            journal.append(1, 1, 0L, utf8("c"));
            journal.append(1, 1, 0L, utf8("d"));

            List<JournalEntry> after = readAll(journal, b);

            assertEquals(List.of("c", "d"), after.stream().map(ChronicleJournalTest::text).toList());
        }
    }

    @Test
    void readerAfterTheLastIndexSeesOnlyLaterRecords() {
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, utf8("a"));
            long last = journal.append(1, 1, 0L, utf8("b"));
            try (JournalReader reader = journal.reader(last)) {
                assertNull(reader.next());
                journal.append(1, 1, 0L, utf8("c"));
                assertEquals("c", text(reader.next()));
            }
        }
    }

    @Test
    void readerOnAnIndexNotInTheJournalIsRefused() {
        try (Journal journal = open()) {
            long last = journal.append(1, 1, 0L, utf8("a"));

            StoreException farAway = assertThrows(StoreException.class, () -> journal.reader(last + (1L << 40)));
            assertTrue(farAway.getMessage().contains("is not in the journal"), farAway.getMessage());

            StoreException justPast = assertThrows(StoreException.class, () -> journal.reader(last + 1));
            assertTrue(justPast.getMessage().contains("index=" + (last + 1)), justPast.getMessage());
        }
    }

    @Test
    void appendsFromASecondThreadAreAcceptedAsTheJournalPromises() throws Exception {
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, utf8("from the main thread"));
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                other.submit(() -> journal.append(1, 1, 0L, utf8("from another thread"))).get();
            } finally {
                other.shutdownNow();
            }
            assertEquals(List.of("from the main thread", "from another thread"),
                    readAll(journal).stream().map(ChronicleJournalTest::text).toList());
        }
    }

    @Test
    void readOnlyJournalReadsWhatTheWriterAppended() {
        long index;
        try (Journal journal = open()) {
            index = journal.append(3, 2, 99L, utf8("kept"));
        }
        try (Journal readOnly = Journal.openReadOnly(dir())) {
            List<JournalEntry> entries = readAll(readOnly);
            assertEquals(1, entries.size());
            assertEntry(entries.get(0), index, 3, 2, 99L, "kept");
            assertEquals(index, readOnly.lastIndex());
        }
    }

    @Test
    void readOnlyJournalSeesAppendsOfALiveWriter() {
        try (Journal writer = open()) {
            writer.append(1, 1, 0L, utf8("a"));
            try (Journal readOnly = Journal.openReadOnly(dir()); JournalReader reader = readOnly.reader(Journal.BEFORE_FIRST)) {
                assertEquals("a", text(reader.next()));
                writer.append(1, 1, 0L, utf8("b"));
                assertEquals("b", text(reader.next()));
            }
        }
    }

    @Test
    void readOnlyOpenOfMissingJournalIsRefusedWithTheFix() {
        StoreException e = assertThrows(StoreException.class, () -> Journal.openReadOnly(home.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(home.resolve("nope")), "a read-only open must not create the journal");
    }

    @Test
    void readOnlyJournalRefusesEveryKindOfWrite() {
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, utf8("a"));
        }
        try (Journal readOnly = Journal.openReadOnly(dir())) {
            assertThrows(StoreException.class, () -> readOnly.append(1, 1, 0L, utf8("b")));
            assertThrows(StoreException.class, () -> readOnly.appendNumbered(1, 1, 0L, n -> utf8("c")));
            StoreException e = assertThrows(StoreException.class, () -> readOnly.sequenceAtLeast(10));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertEquals(1, readAll(readOnly).size(), "nothing was appended");
        }
    }

    @Test
    void appendOfInvalidRecordIsRejectedBeforeAnythingIsWritten() {
        try (Journal journal = open()) {
            assertThrows(IllegalArgumentException.class, () -> journal.append(256, 1, 0L, new byte[0]));
            assertThrows(IllegalArgumentException.class,
                    () -> journal.append(1, 1, 0L, new byte[JournalRecordDescriptor.MAX_PAYLOAD_LENGTH + 1]));
            assertEquals(Journal.BEFORE_FIRST, journal.lastIndex());
        }
    }

    @Test
    void largestPayloadRoundTrips() {
        byte[] big = new byte[JournalRecordDescriptor.MAX_PAYLOAD_LENGTH];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        try (Journal journal = open()) {
            journal.append(1, 1, 0L, big);
            assertArrayEquals(big, readAll(journal).get(0).payload());
        }
    }

    @Test
    void recordsSurviveCloseAndReopen() {
        try (Journal journal = open()) {
            journal.append(1, 1, 10L, utf8("a"));
        }
        try (Journal journal = open()) {
            journal.append(1, 1, 20L, utf8("b"));
            assertEquals(List.of("a", "b"), readAll(journal).stream().map(ChronicleJournalTest::text).toList());
        }
    }

    @Test
    void journalDirectoryThatIsAFileIsReportedAsStoreException() throws Exception {
        Path file = Files.writeString(home.resolve("journal"), "not a directory");
        StoreException e = assertThrows(StoreException.class, () -> Journal.open(file, home.resolve("sequence")));
        assertTrue(e.getMessage().contains("journal=" + file), e.getMessage());
    }

    @Test
    void sequenceFileThatCannotBeCreatedIsReportedAsStoreException() {
        Path sequence = home.resolve("missing-dir").resolve("sequence");
        StoreException e = assertThrows(StoreException.class, () -> Journal.open(dir(), sequence));
        assertTrue(e.getMessage().contains("sequence="), e.getMessage());
    }

    static String text(JournalEntry e) {
        return new String(e.payload(), StandardCharsets.UTF_8);
    }

    private static void assertEntry(JournalEntry e, long index, int type, int version, long timestamp, String payload) {
        assertAll(
                () -> assertEquals(index, e.index(), "index"),
                () -> assertEquals(type, e.type(), "type"),
                () -> assertEquals(version, e.version(), "version"),
                () -> assertEquals(timestamp, e.timestampMillis(), "timestamp"),
                () -> assertEquals(payload, text(e), "payload"));
    }
}
