package dev.labq.core.execution;

import dev.labq.core.domain.JobId;

/**
 * Work submitted through the embedding API to run inside this JVM. Returns an exit code (0 = success);
 * a thrown exception fails the job. Cancellation and time limits interrupt the thread running it.
 */
@FunctionalInterface
public interface LabqTask {
    int run(JobId job, int attempt) throws Exception;

    /** {@code task} as a LabqTask: written as a lambda over its {@link TaskContext}. */
    static LabqTask checkpointing(CheckpointingTask task) {
        return task;
    }
}
