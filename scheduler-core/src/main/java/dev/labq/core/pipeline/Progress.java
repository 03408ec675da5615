package dev.labq.core.pipeline;

import java.util.Collection;
import java.util.function.IntFunction;

/** How many tasks stand where: Landseer's {@code get_progress()} (total, pending, running, completed, failed). */
public record Progress(int total, int pending, int running, int completed, int failed) {

    /** The progress of the tasks at {@code indices}, given each task's status. */
    public static Progress of(Collection<Integer> indices, IntFunction<TaskStatus> statusOf) {
        int[] counts = new int[TaskStatus.values().length];
        for (int i : indices) {
            counts[statusOf.apply(i).ordinal()]++;
        }
        return new Progress(indices.size(), counts[TaskStatus.PENDING.ordinal()], counts[TaskStatus.RUNNING.ordinal()],
                counts[TaskStatus.COMPLETED.ordinal()], counts[TaskStatus.FAILED.ordinal()]);
    }

    /** Every task completed or failed (Landseer's {@code is_complete()} over these tasks). */
    public boolean finished() {
        return completed + failed == total;
    }
}
