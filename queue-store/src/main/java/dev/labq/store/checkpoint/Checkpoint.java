package dev.labq.store.checkpoint;

import java.nio.file.Path;

/**
 * One committed checkpoint of an owner (a job), as its manifest describes it.
 *
 * @param owner         whose it is: a job id
 * @param number        its place among the owner's checkpoints, from 1; never reused, also after a delete
 * @param createdMillis when it was committed
 * @param files         how many files it holds
 * @param bytes         their size in all
 * @param storedBytes   what committing it wrote to the store: all of {@code bytes} for a plain copy, only the chunks
 *                      not stored before (compressed) for the chunked provider
 * @param checksum      the manifest's own CRC-32C (hex): names this exact checkpoint in the journal
 * @param path          where it lies in the store (its directory)
 */
public record Checkpoint(String owner, long number, long createdMillis, int files, long bytes, long storedBytes,
                         String checksum, Path path) {
}
