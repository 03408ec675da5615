package dev.labq.store.journal;

import dev.labq.store.JournalEntry;
import dev.labq.store.StoreException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import static dev.labq.store.journal.JournalRecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/** The on-disk record layout of {@link JournalRecordDescriptor}: what is accepted, and every kind of damage caught. */
class RecordFramingTest {
    private static final byte[] PAYLOAD = "job 7 submitted".getBytes(StandardCharsets.UTF_8);

    @Test
    void frameLaysOutHeaderPayloadAndCrcAsTheDescriptorSays() {
        byte[] record = ChronicleJournal.frame(9, 0x1234, 0x0102030405060708L, PAYLOAD);
        ByteBuffer buf = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(FRAMING_LENGTH + PAYLOAD.length, record.length);
        assertEquals(FORMAT_VERSION, buf.get(FORMAT_OFFSET));
        assertEquals(9, buf.get(TYPE_OFFSET));
        assertEquals(0x1234, buf.getShort(VERSION_OFFSET));
        assertEquals(0x0102030405060708L, buf.getLong(TIMESTAMP_OFFSET));
        assertEquals(PAYLOAD.length, buf.getInt(PAYLOAD_LENGTH_OFFSET));
        assertArrayEquals(PAYLOAD, Arrays.copyOfRange(record, PAYLOAD_OFFSET, PAYLOAD_OFFSET + PAYLOAD.length));
        CRC32 crc = new CRC32();
        crc.update(record, 0, PAYLOAD_OFFSET + PAYLOAD.length);
        assertEquals((int) crc.getValue(), buf.getInt(PAYLOAD_OFFSET + PAYLOAD.length));
    }

    @Test
    void unframeReturnsWhatWasFramedIncludingUnsignedExtremes() {
        JournalEntry e = ChronicleJournal.unframe(77L, ChronicleJournal.frame(255, 0xFFFF, Long.MIN_VALUE, PAYLOAD));
        assertEquals(77L, e.index());
        assertEquals(255, e.type());
        assertEquals(0xFFFF, e.version());
        assertEquals(Long.MIN_VALUE, e.timestampMillis());
        assertArrayEquals(PAYLOAD, e.payload());

        JournalEntry empty = ChronicleJournal.unframe(1L, ChronicleJournal.frame(0, 0, 0L, new byte[0]));
        assertEquals(0, empty.type());
        assertEquals(0, empty.version());
        assertEquals(0, empty.payload().length);
    }

    @Test
    void typeOutsideOneUnsignedByteIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChronicleJournal.frame(256, 1, 0L, PAYLOAD));
        assertTrue(e.getMessage().contains("type=256"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChronicleJournal.frame(-1, 1, 0L, PAYLOAD));
    }

    @Test
    void versionOutsideUnsignedShortIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChronicleJournal.frame(1, 0x10000, 0L, PAYLOAD));
        assertTrue(e.getMessage().contains("version=65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChronicleJournal.frame(1, -1, 0L, PAYLOAD));
    }

    @Test
    void payloadOverTheMaximumIsRejectedAndTheMaximumAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChronicleJournal.frame(1, 1, 0L, new byte[MAX_PAYLOAD_LENGTH + 1]));
        assertTrue(e.getMessage().contains("payload length=" + (MAX_PAYLOAD_LENGTH + 1)), e.getMessage());
        assertEquals(FRAMING_LENGTH + MAX_PAYLOAD_LENGTH,
                ChronicleJournal.frame(1, 1, 0L, new byte[MAX_PAYLOAD_LENGTH]).length);
    }

    @Test
    void flippedPayloadBitFailsTheCrcCheck() {
        byte[] record = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        record[PAYLOAD_OFFSET + 3] ^= 0x01;
        StoreException e = assertThrows(StoreException.class, () -> ChronicleJournal.unframe(5L, record));
        assertTrue(e.getMessage().contains("index=5") && e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void damagedHeaderOrChecksumFailsTheCrcCheck() {
        byte[] header = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        header[TIMESTAMP_OFFSET] ^= 0x40;
        assertThrows(StoreException.class, () -> ChronicleJournal.unframe(1L, header));

        byte[] checksum = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        checksum[checksum.length - 1] ^= 0x01;
        assertThrows(StoreException.class, () -> ChronicleJournal.unframe(1L, checksum));
    }

    @Test
    void unknownFormatIsRefusedWithAHintToUpgrade() {
        byte[] record = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        record[FORMAT_OFFSET] = (byte) (FORMAT_VERSION + 1);
        StoreException e = assertThrows(StoreException.class, () -> ChronicleJournal.unframe(3L, record));
        assertTrue(e.getMessage().contains("format=" + (FORMAT_VERSION + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("newer labq"), e.getMessage());
    }

    @Test
    void recordShorterThanItsFramingIsDamaged() {
        byte[] record = ChronicleJournal.frame(1, 1, 0L, new byte[0]);
        StoreException e = assertThrows(StoreException.class,
                () -> ChronicleJournal.unframe(2L, Arrays.copyOf(record, FRAMING_LENGTH - 1)));
        assertTrue(e.getMessage().contains("shorter than its framing"), e.getMessage());
        assertThrows(StoreException.class, () -> ChronicleJournal.unframe(2L, new byte[0]));
    }

    @Test
    void truncatedPayloadIsDamaged() {
        byte[] record = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        StoreException e = assertThrows(StoreException.class,
                () -> ChronicleJournal.unframe(4L, Arrays.copyOf(record, record.length - 3)));
        assertTrue(e.getMessage().contains("declares payload length=" + PAYLOAD.length), e.getMessage());
    }

    @Test
    void negativeOrOversizedDeclaredLengthIsDamagedNotAnAllocation() {
        byte[] negative = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(PAYLOAD_LENGTH_OFFSET, -1);
        assertThrows(StoreException.class, () -> ChronicleJournal.unframe(1L, negative));

        byte[] huge = ChronicleJournal.frame(1, 1, 0L, PAYLOAD);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(PAYLOAD_LENGTH_OFFSET, Integer.MAX_VALUE);
        assertThrows(StoreException.class, () -> ChronicleJournal.unframe(1L, huge));
    }
}
