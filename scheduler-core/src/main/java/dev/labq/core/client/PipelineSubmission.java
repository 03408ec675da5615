package dev.labq.core.client;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.pipeline.PipelinePlan;

import java.util.List;

/**
 * Submits many jobs to a home at once, a planned pipeline, a list of jobs or an array: one journal entry, all of them or
 * none. It appends to the journal itself whether or not a scheduler runs (the journal takes appends from any
 * process; a running scheduler tails it), as {@link LabqClient#direct} does.
 */
public final class PipelineSubmission {
    private PipelineSubmission() {
    }

    /** Validates and appends {@code plan}'s jobs, charged to {@code user}; returns the pipeline's id (its first job). */
    public static JobId submit(LabqHome home, PipelinePlan plan, String user) {
        try (DirectClient client = new DirectClient(home)) {
            return client.submitPipeline(plan, user);
        }
    }

    /** Validates and appends {@code jobs} in order; returns the first one's id (the others follow it). */
    public static JobId submitAll(LabqHome home, List<JobSpec> jobs) {
        try (DirectClient client = new DirectClient(home)) {
            return client.submitJobs(jobs);
        }
    }

    /** Validates {@code spec} and appends it as a job array of {@code array}'s tasks; returns the array's id. */
    public static JobId submitArray(LabqHome home, JobSpec spec, ArraySpec array) {
        try (DirectClient client = new DirectClient(home)) {
            return client.submitArray(spec, array);
        }
    }
}
