package dev.labq.core.client;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.pipeline.PipelinePlan;

import java.util.List;

/**
 * Submits many jobs to a home at once, a planned pipeline, a list of jobs or an array: one journal entry, all of
 * them or none, through a {@link LabqClient#direct} client opened for the call. A running scheduler tails what it
 * appends; unlike a client of that scheduler, the call does not wait for it to be folded.
 */
public final class PipelineSubmission {
    private PipelineSubmission() {
    }

    /** Validates and appends {@code plan}'s jobs, charged to {@code user}; returns the pipeline's id (its first job). */
    public static JobId submit(LabqHome home, PipelinePlan plan, String user) {
        try (LabqClient client = LabqClient.direct(home)) {
            return client.submitPipeline(plan, user);
        }
    }

    /** Validates and appends {@code jobs} in order; returns the first one's id (the others follow it). */
    public static JobId submitAll(LabqHome home, List<JobSpec> jobs) {
        try (LabqClient client = LabqClient.direct(home)) {
            return client.submitJobs(jobs);
        }
    }

    /** Validates {@code spec} and appends it as a job array of {@code array}'s tasks; returns the array's id. */
    public static JobId submitArray(LabqHome home, JobSpec spec, ArraySpec array) {
        try (LabqClient client = LabqClient.direct(home)) {
            return client.submitArray(spec, array);
        }
    }
}
