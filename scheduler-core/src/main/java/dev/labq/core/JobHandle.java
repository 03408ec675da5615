package dev.labq.core;

import dev.labq.core.domain.JobId;
import dev.labq.core.state.JobStatus;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted job: its id and a future that completes with its final status (COMPLETED, FAILED,
 * CANCELLED or TIMEOUT) once the journal records the end.
 */
public record JobHandle(JobId id, CompletableFuture<JobStatus> outcome) {
}
