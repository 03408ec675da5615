package dev.labq.core.ring;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.execution.LabqTask;
import dev.labq.core.state.JobStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request from a client (socket or embedding API) to the decision stage. The stage validates it against
 * the state it owns, journals it, and only then completes the reply: a completed reply means durable.
 */
public sealed interface Command {

    /** Submit a job; {@code task} is set for in-process tasks. The reply is the new id. */
    record Submit(JobSpec spec, LabqTask task, CompletableFuture<JobId> reply,
                  CompletableFuture<JobStatus> outcome) implements Command {
    }

    /** Hold, release or cancel a job. */
    record Control(Action action, JobId job, CompletableFuture<JobStatus> reply) implements Command {
    }

    /** Snapshot of jobs with their pending reasons; all jobs when {@code ids} is empty. */
    record Snapshot(List<JobId> ids, CompletableFuture<List<JobStatus>> reply) implements Command {
    }

    /** The actions of {@link Control}. */
    enum Action { HOLD, RELEASE, CANCEL }
}
