package dev.labq.store;

import dev.labq.store.journal.ChronicleJournal;

import java.nio.file.Path;
import java.util.function.LongFunction;

/**
 * The append-only record of everything that changes state: commands from clients and events from the
 * scheduler. State is a fold over it.
 *
 * <p>Assumptions and guarantees:
 * <ul>
 *   <li>Any number of threads and processes may append at once; each append is durable in the page
 *       cache (it survives kill -9 of the writer) when the method returns.</li>
 *   <li>A reader never sees a partial record: a writer killed mid-append leaves nothing readable.</li>
 *   <li>Numbered appends ({@link #appendNumbered}) take a file lock, so numbers are unique across processes
 *       and appear in the journal in increasing order.</li>
 *   <li>An instance is thread-safe for appends; a {@link JournalReader} belongs to one thread.</li>
 * </ul>
 */
public interface Journal extends AutoCloseable {

    /** Opens (creating if needed) the journal in {@code directory}, numbering from {@code sequenceFile}. */
    static Journal open(Path directory, Path sequenceFile) {
        return ChronicleJournal.open(directory, sequenceFile, false);
    }

    /** Opens an existing journal for reading only; appends throw. */
    static Journal openReadOnly(Path directory) {
        return ChronicleJournal.open(directory, null, true);
    }

    /** Appends one record and returns its index. */
    long append(int type, int version, long timestampMillis, byte[] payload);

    /**
     * Takes the next number from the sequence and appends the payload made for it, both under one
     * cross-process lock. The number is never handed out twice, even if this process dies after taking it.
     */
    Numbered appendNumbered(int type, int version, long timestampMillis, LongFunction<byte[]> payloadForNumber);

    /**
     * Takes the next {@code count} numbers as one block and appends the payload made for the first of them,
     * all under the same lock as {@link #appendNumbered}: no other append gets a number inside the block. The
     * payload is made before the numbers are taken: when making it throws, none is taken and nothing written.
     */
    Numbered appendNumberedBlock(int type, int version, long timestampMillis, int count, LongFunction<byte[]> payloadForFirst);

    /** Raises the sequence so that the next number is above {@code number}. */
    void sequenceAtLeast(long number);

    /** A reader positioned after {@code afterIndex}; {@link #BEFORE_FIRST} reads from the start. */
    JournalReader reader(long afterIndex);

    /** A reader whose first record is the one at {@code index}; {@link #BEFORE_FIRST} reads from the start. */
    JournalReader readerAt(long index);

    /** The index of the last record, or {@link #BEFORE_FIRST} when empty. */
    long lastIndex();

    @Override
    void close();

    /** Index value that comes before every record. */
    long BEFORE_FIRST = -1L;

    /** The outcome of a numbered append. */
    record Numbered(long number, long index) {
    }
}
