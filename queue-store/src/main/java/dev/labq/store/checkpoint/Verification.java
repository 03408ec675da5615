package dev.labq.store.checkpoint;

/**
 * What {@link CheckpointStore#verify} found: a checkpoint whose manifest and every file (size and checksum) agree,
 * or the first problem.
 */
public record Verification(String owner, long number, boolean valid, String problem) {
    static Verification ok(String owner, long number) {
        return new Verification(owner, number, true, null);
    }

    static Verification failed(String owner, long number, String problem) {
        return new Verification(owner, number, false, problem);
    }
}
