package dev.labq.core.execution;

import dev.labq.core.domain.JobId;

/**
 * An in-process task that checkpoints: it is given a {@link TaskContext} to {@code checkpoint(state)} and
 * {@code restore()}, so a retried attempt goes on from where the last one committed. Submit it as any
 * {@link LabqTask}, made with {@link LabqTask#checkpointing}.
 */
@FunctionalInterface
public interface CheckpointingTask extends LabqTask {
    int run(TaskContext context) throws Exception;

    @Override
    default int run(JobId job, int attempt) {
        throw new UnsupportedOperationException("a checkpointing task runs with its TaskContext");
    }
}
