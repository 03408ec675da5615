package dev.labq.store.journal;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.StoreException;
import dev.labq.store.testkit.StoreChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CyclicBarrier;

import static dev.labq.store.testkit.Journals.assertOneToN;
import static dev.labq.store.testkit.Journals.numbersIn;
import static dev.labq.store.testkit.Journals.readAll;
import static org.junit.jupiter.api.Assertions.*;

/** Numbered appends within one JVM: the number a caller gets is unique, gap-free and in journal order. */
@Timeout(60)
class NumberedAppendTest {
    @TempDir
    Path home;

    private Journal open() {
        return Journal.open(home.resolve("journal"), home.resolve("sequence"));
    }

    @Test
    void numbersStartAtOneAndThePayloadIsMadeForTheNumber() {
        try (Journal journal = open()) {
            Journal.Numbered first = journal.appendNumbered(4, 2, 50L, StoreChild::payloadFor);
            Journal.Numbered second = journal.appendNumbered(4, 2, 60L, StoreChild::payloadFor);

            assertEquals(1, first.number());
            assertEquals(2, second.number());
            List<JournalEntry> entries = readAll(journal);
            assertEquals(List.of(first.index(), second.index()), entries.stream().map(JournalEntry::index).toList());
            assertEquals(List.of(1L, 2L), numbersIn(entries));
            assertEquals(4, entries.get(0).type());
            assertEquals(60L, entries.get(1).timestampMillis());
        }
    }

    @Test
    void aBlockTakesItsNumbersWholeAndTheNextNumberFollowsIt() {
        try (Journal journal = open()) {
            assertEquals(1, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());
            Journal.Numbered block = journal.appendNumberedBlock(12, 1, 70L, 5, StoreChild::payloadFor);
            assertEquals(2, block.number(), "the block's first number");
            assertEquals(7, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number(), "after 2..6");
            List<JournalEntry> entries = readAll(journal);
            assertEquals(3, entries.size(), "a block is one entry");
            assertEquals(12, entries.get(1).type());
            assertEquals(block.index(), entries.get(1).index());
            assertThrows(IllegalArgumentException.class, () -> journal.appendNumberedBlock(1, 1, 0L, 0, StoreChild::payloadFor));
            assertEquals(8, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number(), "a refused block takes nothing");
            assertThrows(IllegalStateException.class, () -> journal.appendNumberedBlock(12, 1, 0L, 3, first -> {
                throw new IllegalStateException("too large");
            }));
            assertEquals(9, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number(), "a block whose payload failed takes nothing");
            assertEquals(5, readAll(journal).size(), "and writes nothing");
        }
        try (Journal readOnly = Journal.openReadOnly(home.resolve("journal"))) {
            assertThrows(StoreException.class, () -> readOnly.appendNumberedBlock(1, 1, 0L, 2, StoreChild::payloadFor));
        }
    }

    @Test
    void numbersContinueAfterReopen() {
        try (Journal journal = open()) {
            journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
            journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
        }
        try (Journal journal = open()) {
            assertEquals(3, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());
        }
    }

    @Test
    void numbersAreUniqueAndInJournalOrderAcrossConcurrentThreads() throws Exception {
        int threads = 4;
        int perThread = 500;
        try (Journal journal = open()) {
            List<Callable<List<Long>>> appenders = new ArrayList<>();
            CyclicBarrier start = new CyclicBarrier(threads);
            for (int t = 0; t < threads; t++) {
                appenders.add(() -> appendNumbers(journal, start, perThread));
            }
            List<Long> handedOut = runAll(appenders);

            assertEquals(threads * perThread, handedOut.stream().distinct().count(), "no number handed out twice");
            assertOneToN(numbersIn(readAll(journal)), threads * perThread);
        }
    }

    @Test
    void numbersAreUniqueAndInJournalOrderAcrossTwoJournalInstancesOnOneDirectory() throws Exception {
        int perInstance = 700;
        try (Journal a = open(); Journal b = open()) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Long> handedOut = runAll(List.of(
                    () -> appendNumbers(a, start, perInstance),
                    () -> appendNumbers(b, start, perInstance)));

            assertEquals(2 * perInstance, handedOut.stream().distinct().count(), "no number handed out twice");
            assertOneToN(numbersIn(readAll(a)), 2 * perInstance);
            assertEquals(readAll(a).stream().map(JournalEntry::index).toList(),
                    readAll(b).stream().map(JournalEntry::index).toList(), "both instances read the same journal");
        }
    }

    @Test
    void sequenceAtLeastRaisesTheNextNumberButNeverLowersIt() {
        try (Journal journal = open()) {
            journal.sequenceAtLeast(100);
            assertEquals(101, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());

            journal.sequenceAtLeast(50);
            assertEquals(102, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());
        }
        try (Journal journal = open()) {
            assertEquals(103, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number(), "the raise is persisted");
        }
    }

    @Test
    void numberTakenByAFailedPayloadIsNeverReused() {
        try (Journal journal = open()) {
            assertThrows(IllegalStateException.class, () -> journal.appendNumbered(1, 1, 0L, n -> {
                throw new IllegalStateException("caller failed for number " + n);
            }));
            assertThrows(IllegalArgumentException.class, () -> journal.appendNumbered(999, 1, 0L, StoreChild::payloadFor));

            assertEquals(3, journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number(), "a gap, never a duplicate");
            assertEquals(List.of(3L), numbersIn(readAll(journal)));
        }
    }

    @Test
    void numberedAppendAfterCloseIsAStoreException() {
        Journal journal = open();
        journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
        journal.close();

        StoreException advance = assertThrows(StoreException.class,
                () -> journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor));
        assertTrue(advance.getMessage().contains("sequence="), advance.getMessage());
        StoreException raise = assertThrows(StoreException.class, () -> journal.sequenceAtLeast(10));
        assertTrue(raise.getMessage().contains("sequence="), raise.getMessage());
    }

    private static List<Long> appendNumbers(Journal journal, CyclicBarrier start, int count) throws Exception {
        start.await();
        List<Long> numbers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            numbers.add(journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor).number());
        }
        return numbers;
    }

    private static List<Long> runAll(List<Callable<List<Long>>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : pool.invokeAll(tasks)) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
