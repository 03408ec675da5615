package dev.labq.core.execution;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;

/** One attempt to run: the job, which attempt, what it asked for and what it was given. */
public record Launch(JobId job, int attempt, JobSpec spec, Allocation allocation) {
}
