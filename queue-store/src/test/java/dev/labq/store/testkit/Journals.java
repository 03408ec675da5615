package dev.labq.store.testkit;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;

import java.util.ArrayList;
import java.util.List;

/** Reading helpers for journal tests. */
public final class Journals {
    private Journals() {
    }

    /** Every record after {@code afterIndex}, in journal order, up to the current end. */
    public static List<JournalEntry> readAll(Journal journal, long afterIndex) {
        List<JournalEntry> entries = new ArrayList<>();
        try (JournalReader reader = journal.reader(afterIndex)) {
            for (JournalEntry e = reader.next(); e != null; e = reader.next()) {
                entries.add(e);
            }
        }
        return entries;
    }

    public static List<JournalEntry> readAll(Journal journal) {
        return readAll(journal, Journal.BEFORE_FIRST);
    }

    /** The numbers carried by numbered test records, in journal order. */
    public static List<Long> numbersIn(List<JournalEntry> entries) {
        List<Long> numbers = new ArrayList<>(entries.size());
        for (JournalEntry e : entries) {
            numbers.add(StoreChild.numberIn(e.payload()));
        }
        return numbers;
    }

    /** Fails unless {@code numbers} is exactly 1..n in increasing order: unique, gap-free, ordered. */
    public static void assertOneToN(List<Long> numbers, int n) {
        if (numbers.size() != n) {
            throw new AssertionError("expected " + n + " numbers, got " + numbers.size());
        }
        for (int i = 0; i < n; i++) {
            if (numbers.get(i) != i + 1) {
                throw new AssertionError("position " + i + " holds number=" + numbers.get(i) + ", expected " + (i + 1)
                        + " (numbers must be unique, gap-free and appear in increasing order)");
            }
        }
    }
}
