package dev.labq.store;

/**
 * One record read back from the journal.
 *
 * @param index           the journal index, unique and increasing; tail from it with {@link Journal#reader(long)}
 * @param type            the entry type; its meaning belongs to the caller (queue-store knows no domain)
 * @param version         the payload version the writer used
 * @param timestampMillis when the writer appended it, by the writer's clock
 * @param payload         the payload bytes, as appended
 */
public record JournalEntry(long index, int type, int version, long timestampMillis, byte[] payload) {
}
