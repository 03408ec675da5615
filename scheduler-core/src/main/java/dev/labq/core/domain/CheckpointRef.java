package dev.labq.core.domain;

/**
 * A checkpoint of a job as the journal recorded it when committed: which one, when, by which attempt, how large.
 *
 * @param number        its number in the job's checkpoint store, from 1
 * @param createdMillis when it was committed
 * @param attempt       the attempt that committed it
 * @param files         how many files it holds
 * @param bytes         their size in all
 * @param checksum      its manifest's CRC-32C
 */
public record CheckpointRef(long number, long createdMillis, int attempt, int files, long bytes, String checksum) {
}
