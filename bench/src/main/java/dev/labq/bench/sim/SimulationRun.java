package dev.labq.bench.sim;

import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * What one replay did: every completed job as the fold ended it (submit, start and end times on the virtual
 * clock, the allocation it had), plus what the simulator measured on the way.
 *
 * @param capacity               units of the workload's {@link Workload#measuredBy()} the placement had
 * @param unfinished             jobs still waiting at the end (a dependency that never ran)
 * @param neverFit               jobs no placement could ever hold, refused at submission as labq does
 * @param gpuUtilizationSaturated busy GPU time over all GPU time while GPU jobs were ready and waiting; NaN
 *                               when that never happened
 * @param decisions              decisions made (one after each batch of events)
 * @param wallSeconds            real time the replay took
 */
public record SimulationRun(Workload workload, SchedulingPolicy policy, List<JobStatus> completed, int capacity, int unfinished,
                            int neverFit, double gpuUtilizationSaturated, long decisions, double wallSeconds) {

    /** Start and end of each completed job, in seconds of the workload's clock. */
    public List<Outcome> outcomes() {
        List<Outcome> outcomes = new ArrayList<>(completed.size());
        for (JobStatus job : completed) {
            TraceJob trace = workload.jobs().get((int) job.id().value() - 1);
            outcomes.add(new Outcome(trace, job.startMillis() / 1000, job.endMillis() / 1000));
        }
        return outcomes;
    }

    /** When one job started and ended. */
    public record Outcome(TraceJob job, long startSeconds, long endSeconds) {
        public long waitSeconds() {
            return startSeconds - job.submitSeconds();
        }
    }
}
