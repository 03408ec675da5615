package dev.labq.store.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where checkpoints are kept: per owner (a job), numbered from 1, each made visible at once and whole (write,
 * fsync, rename) with a manifest of its files, sizes and CRC-32C checksums, so a crash while committing leaves the
 * checkpoint before as the newest. Providers are found by {@link CheckpointStores} through {@code ServiceLoader}.
 *
 * <p>Why CRC-32C for the files: measured here on 256 MiB, CRC-32C runs at about 12 GB/s (a CPU instruction), SHA-256
 * at 0.8 to 1.2 GB/s, so verifying a 1 GiB checkpoint costs 0.1 s instead of a second; it detects the corruption a
 * checkpoint meets (torn writes, flipped bits, truncation), while nothing here defends against a forger. Content
 * addresses, where a collision would silently join two chunks, use SHA-256.
 *
 * <p>Assumptions and guarantees: safe for threads and processes (one owner's commits, and the chunked store's
 * shared chunks, under a file lock); a committed checkpoint never changes, short of the disk failing, which
 * {@link #verify} detects.
 */
public interface CheckpointStore {
    /** The provider's name in the configuration. */
    String provider();

    /**
     * Commits the files under {@code staging} as {@code owner}'s next checkpoint, keeping the newest {@code keep}
     * (older ones are deleted). On success {@code staging} is left empty for the next one; on failure the store and
     * {@code staging} are as they were, and a {@link CheckpointException} says why.
     */
    default Checkpoint put(String owner, Path staging, long createdMillis, int keep) {
        return begin(owner, staging, createdMillis, keep).finish();
    }

    /**
     * The first half of {@link #put}: takes the staged files out of {@code staging} (a rename each, so it costs
     * next to nothing and the job may write its next state at once) and holds the owner's lock until the returned
     * commit is finished or abandoned. A crash before {@link PendingCheckpoint#finish} returns leaves the checkpoint
     * before as the newest.
     */
    PendingCheckpoint begin(String owner, Path staging, long createdMillis, int keep);

    /** A commit begun: its files taken, not yet checksummed, durable or visible. */
    interface PendingCheckpoint {
        /** The number it will have. */
        long number();

        int files();

        long bytes();

        /** Checksums and stores the files, fsyncs, and makes the checkpoint visible; a {@link CheckpointException} if not. */
        Checkpoint finish();

        /** Gives the commit up: the files go back to the staging directory (where nothing replaced them). */
        void abandon();
    }

    /** {@code owner}'s checkpoints, oldest first; quarantined ones are not among them. */
    List<Checkpoint> list(String owner);

    /** Checkpoint {@code number} of {@code owner}, if it is there (not deleted or quarantined). */
    Optional<Checkpoint> find(String owner, long number);

    /** Reads checkpoint {@code number} whole and checks its manifest and every file against it. */
    Verification verify(String owner, long number);

    /**
     * A directory holding checkpoint {@code number}'s files, for a job to resume from (not to write to): the
     * checkpoint's own directory where the provider keeps files as they are, else one made under {@code scratch}.
     */
    Path open(String owner, long number, Path scratch);

    /** Deletes checkpoint {@code number}. */
    void delete(String owner, long number);

    /** Moves checkpoint {@code number} aside (one that did not verify): kept for a person to look at, never used. */
    void quarantine(String owner, long number);

    /** The numbers of {@code owner}'s quarantined checkpoints, ascending. */
    List<Long> quarantined(String owner);
}
