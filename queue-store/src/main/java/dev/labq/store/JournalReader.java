package dev.labq.store;

/**
 * Reads journal records in order. Not thread-safe: one reader per thread.
 */
public interface JournalReader extends AutoCloseable {

    /** The next complete record, or {@code null} when none is there yet. */
    JournalEntry next();

    @Override
    void close();
}
