package dev.labq.core.execution;

import dev.labq.core.domain.JobId;

import java.util.Optional;

/**
 * What an in-process task ({@link CheckpointingTask}) can ask of labq while it runs: the same checkpoint store
 * and protocol as an OS-process job, with the state as bytes instead of files.
 */
public interface TaskContext {
    JobId job();

    int attempt();

    /** Commits {@code state} as the job's next checkpoint, durable and journaled when this returns; returns its number. */
    long checkpoint(byte[] state);

    /**
     * The state of the job's newest checkpoint that verifies (those newer that do not are quarantined and
     * journaled), or empty on a first attempt.
     */
    Optional<byte[]> restore();
}
