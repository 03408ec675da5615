package dev.labq.store.journal;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.store.StoreException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongFunction;
import java.util.zip.CRC32;

import static dev.labq.store.journal.JournalRecordDescriptor.*;

/**
 * {@link Journal} over a Chronicle Queue directory, records framed as {@link JournalRecordDescriptor} says.
 */
public final class ChronicleJournal implements Journal {
    private final ChronicleQueue queue;
    private final SequenceFile sequence;
    private final boolean readOnly;
    private final Object appendLock = new Object();
    private ExcerptAppender appender;

    private ChronicleJournal(ChronicleQueue queue, SequenceFile sequence, boolean readOnly) {
        this.queue = queue;
        this.sequence = sequence;
        this.readOnly = readOnly;
    }

    public static ChronicleJournal open(Path directory, Path sequenceFile, boolean readOnly) {
        if (readOnly && !Files.isDirectory(directory)) {
            throw new StoreException("journal=" + directory + " does not exist; submit a job or run `labq serve` to create it");
        }
        ChronicleQueue queue = null;
        try {
            queue = ChronicleQueue.singleBuilder(directory).readOnly(readOnly).build();
            return new ChronicleJournal(queue, readOnly ? null : SequenceFile.open(sequenceFile), readOnly);
        } catch (RuntimeException e) {
            if (queue != null) {
                queue.close();
            }
            if (e instanceof StoreException) {
                throw e;
            }
            throw new StoreException("journal=" + directory + " cannot be opened (" + e.getMessage()
                    + "); check that the directory is readable and writable", e);
        }
    }

    @Override
    public long append(int type, int version, long timestampMillis, byte[] payload) {
        byte[] record = frame(type, version, timestampMillis, payload);
        synchronized (appendLock) {
            ExcerptAppender a = appender();
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(record);
            }
            return a.lastIndexAppended();
        }
    }

    @Override
    public Numbered appendNumbered(int type, int version, long timestampMillis, LongFunction<byte[]> payloadForNumber) {
        writable();
        return sequence.withNext(number -> {
            long index = append(type, version, timestampMillis, payloadForNumber.apply(number));
            return new Numbered(number, index);
        });
    }

    @Override
    public Numbered appendNumberedBlock(int type, int version, long timestampMillis, int count,
                                        LongFunction<byte[]> payloadForFirst) {
        writable();
        // The payload first: a payload that cannot be made (too large, say) takes no numbers.
        return sequence.withNextBlock(count, first -> new Block(first, payloadForFirst.apply(first)),
                block -> new Numbered(block.first(), append(type, version, timestampMillis, block.payload())));
    }

    private record Block(long first, byte[] payload) {
    }

    @Override
    public void sequenceAtLeast(long number) {
        writable();
        sequence.atLeast(number);
    }

    @Override
    public JournalReader reader(long afterIndex) {
        ExcerptTailer tailer = queue.createTailer();
        if (afterIndex != BEFORE_FIRST && !skipTo(tailer, afterIndex)) {
            tailer.close();
            throw new StoreException("index=" + afterIndex + " is not in the journal; use an index printed by `labq tail`");
        }
        return new Reader(tailer);
    }

    @Override
    public JournalReader readerAt(long index) {
        if (index == BEFORE_FIRST) {
            return reader(BEFORE_FIRST);
        }
        ExcerptTailer tailer = queue.createTailer();
        if (!tailer.moveToIndex(index)) {
            tailer.close();
            throw new StoreException("index=" + index + " is not in the journal; use an index printed by `labq tail`");
        }
        return new Reader(tailer);
    }

    /** Positions {@code tailer} just after {@code index}; false when the journal has no such record. */
    private static boolean skipTo(ExcerptTailer tailer, long index) {
        if (!tailer.moveToIndex(index)) {
            return false;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            return dc.isPresent(); // moveToIndex stops before the record itself; consume it
        }
    }

    @Override
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? BEFORE_FIRST : last;
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (appender != null) {
                appender.close();
            }
        }
        queue.close();
        if (sequence != null) {
            sequence.close();
        }
    }

    private ExcerptAppender appender() {
        writable();
        if (appender == null) {
            appender = queue.createAppender();
            // Chronicle confines an appender to one thread; appendLock serializes ours across threads.
            appender.singleThreadedCheckDisabled(true);
        }
        return appender;
    }

    private void writable() {
        if (readOnly) {
            throw new StoreException("journal is open read-only; open it with Journal.open to append");
        }
    }

    static byte[] frame(int type, int version, long timestampMillis, byte[] payload) {
        if (type < 0 || type > 0xFF) {
            throw new IllegalArgumentException("type=" + type + " must fit in one unsigned byte");
        }
        if (version < 0 || version > 0xFFFF) {
            throw new IllegalArgumentException("version=" + version + " must fit in an unsigned short");
        }
        if (payload.length > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("payload length=" + payload.length + " exceeds " + MAX_PAYLOAD_LENGTH);
        }
        ByteBuffer buf = ByteBuffer.allocate(FRAMING_LENGTH + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(FORMAT_OFFSET, (byte) FORMAT_VERSION)
                .put(TYPE_OFFSET, (byte) type)
                .putShort(VERSION_OFFSET, (short) version)
                .putLong(TIMESTAMP_OFFSET, timestampMillis)
                .putInt(PAYLOAD_LENGTH_OFFSET, payload.length)
                .put(PAYLOAD_OFFSET, payload);
        buf.putInt(PAYLOAD_OFFSET + payload.length, crc(buf.array(), PAYLOAD_OFFSET + payload.length));
        return buf.array();
    }

    static JournalEntry unframe(long index, byte[] record) {
        if (record.length < FRAMING_LENGTH) {
            throw new StoreException("journal record at index=" + index + " is " + record.length
                    + " bytes, shorter than its framing; the journal is damaged");
        }
        ByteBuffer buf = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        int format = buf.get(FORMAT_OFFSET) & 0xFF;
        if (format != FORMAT_VERSION) {
            throw new StoreException("journal record at index=" + index + " has format=" + format
                    + ", this build reads format=" + FORMAT_VERSION + "; run a newer labq");
        }
        int length = buf.getInt(PAYLOAD_LENGTH_OFFSET);
        if (length < 0 || length != record.length - FRAMING_LENGTH) {
            throw new StoreException("journal record at index=" + index + " declares payload length=" + length
                    + " in a record of " + record.length + " bytes; the journal is damaged");
        }
        int expected = buf.getInt(PAYLOAD_OFFSET + length);
        if (expected != crc(record, PAYLOAD_OFFSET + length)) {
            throw new StoreException("journal record at index=" + index + " fails its CRC check; the journal is damaged");
        }
        byte[] payload = new byte[length];
        buf.get(PAYLOAD_OFFSET, payload);
        return new JournalEntry(index, buf.get(TYPE_OFFSET) & 0xFF, buf.getShort(VERSION_OFFSET) & 0xFFFF,
                buf.getLong(TIMESTAMP_OFFSET), payload);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    private static final class Reader implements JournalReader {
        private final ExcerptTailer tailer;

        Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        @Override
        public JournalEntry next() {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return null;
                }
                Bytes<?> bytes = dc.wire().bytes();
                byte[] record = new byte[(int) bytes.readRemaining()];
                bytes.read(record);
                return unframe(dc.index(), record);
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }
}
