package dev.labq.store.journal;

/**
 * Layout of one journal record inside a Chronicle Queue document, little-endian as Chronicle writes it.
 *
 * <pre>
 *   0                   1                   2                   3
 *  +-------+-------+---------------------------------------------------+
 *  |format | type  |  version (u16)  |     timestamp millis (i64) ...    |
 *  +-------+-------+---------------------------------------------------+
 *  |   ... timestamp |    payload length (i32)   |  payload bytes ...    |
 *  +-------------------------------------------------------------------+
 *  |  ... payload    |  CRC-32 of every byte before it (i32)           |
 *  +-------------------------------------------------------------------+
 * </pre>
 *
 * Chronicle already never exposes a half-written document; the CRC catches a damaged file on disk.
 * A reader that meets a {@link #FORMAT_VERSION} it does not know stops with a clear error rather than guess.
 */
public final class JournalRecordDescriptor {
    /** Version of this layout. Bump it when the layout changes, and keep reading the old one. */
    public static final int FORMAT_VERSION = 1;

    public static final int FORMAT_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int VERSION_OFFSET = 2;
    public static final int TIMESTAMP_OFFSET = 4;
    public static final int PAYLOAD_LENGTH_OFFSET = 12;
    public static final int PAYLOAD_OFFSET = 16;
    /** Bytes around the payload: the header plus the trailing CRC. */
    public static final int FRAMING_LENGTH = PAYLOAD_OFFSET + 4;

    /** The largest payload accepted; a bigger one is a bug in the caller, not data to store. */
    public static final int MAX_PAYLOAD_LENGTH = 1 << 20;

    private JournalRecordDescriptor() {
    }
}
