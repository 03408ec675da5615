package dev.labq.core.checkpoint;

/**
 * A job's checkpoint as {@code labq checkpoint list} shows it: what its manifest says, whether it verifies now, and
 * where its files are.
 *
 * @param number        its number, from 1
 * @param createdMillis when it was committed
 * @param files         how many files it holds
 * @param bytes         their size in all
 * @param checksum      its manifest's CRC-32C, or null when the manifest does not read
 * @param verified      whether its manifest and every file check out now
 * @param problem       why not, or null
 * @param path          its directory in the store
 */
public record CheckpointInfo(long number, long createdMillis, int files, long bytes, String checksum, boolean verified,
                             String problem, String path) {
}
