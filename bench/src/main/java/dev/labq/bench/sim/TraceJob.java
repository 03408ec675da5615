package dev.labq.bench.sim;

import dev.labq.core.domain.Resources;

import java.util.List;

/**
 * One job of a workload as the simulator replays it: when it arrives, what it asks for, how long it really
 * runs, and what a trace recorded about it.
 *
 * @param id                 1, 2, ... in arrival order; the job's labq id in the simulation
 * @param limitSeconds       the time limit the user gave (backfill plans with it), or {@code null}
 * @param deadlineSeconds    when it should be done, or {@code null}
 * @param afterOk            ids of jobs that must complete first (pipelines)
 * @param recordedWaitSeconds the wait the trace's own scheduler gave it, or -1 when unknown
 */
public record TraceJob(long id, long submitSeconds, long runSeconds, Resources request, Long limitSeconds,
                       String user, String project, Integer importance, Long deadlineSeconds, List<Long> afterOk,
                       long recordedWaitSeconds) {
    public TraceJob {
        afterOk = afterOk == null ? List.of() : List.copyOf(afterOk);
        if (runSeconds < 0 || submitSeconds < 0) {
            throw new IllegalArgumentException("job " + id + ": negative submit or run time");
        }
    }
}
