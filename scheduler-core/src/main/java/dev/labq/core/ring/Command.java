package dev.labq.core.ring;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.execution.LabqTask;
import dev.labq.core.state.JobStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request from a client (socket or embedding API) to the decision stage. The stage validates it against
 * the state it owns, journals it, and only then completes the reply: a completed reply means durable.
 * Queries are answered once everything the stage journaled before them is folded (read your own writes).
 */
public sealed interface Command {

    /** Completed with the answer, or exceptionally with why the command was refused. */
    CompletableFuture<?> reply();

    /** Submit a job; {@code task} is set for in-process tasks. The reply is the new id. */
    record Submit(JobSpec spec, LabqTask task, CompletableFuture<JobId> reply,
                  CompletableFuture<JobStatus> outcome) implements Command {
    }

    /** Hold, release or cancel a job; with {@code wholeArray}, an array's id means all its tasks. */
    record Control(Action action, JobId job, boolean wholeArray, CompletableFuture<JobStatus> reply) implements Command {
    }

    /** Change a job that has not ended ({@code labq alter}). */
    record Alter(JobId job, Alteration change, CompletableFuture<JobStatus> reply) implements Command {
    }

    /** Override a project's importance or share, or a user's share within it ({@code labq project set}). */
    record SetProject(String project, String user, Integer importance, Double share,
                      CompletableFuture<Void> reply) implements Command {
    }

    /** Snapshot of jobs with their pending reasons; all jobs when {@code ids} is empty. */
    record Snapshot(List<JobId> ids, CompletableFuture<List<JobStatus>> reply) implements Command {
    }

    /** Completed once the fold has applied journal entry {@code index}, appended by any writer. */
    record AwaitApplied(long index, CompletableFuture<Void> reply) implements Command {
    }

    /** A question about the scheduling state, answered on the decision thread (explain, prio, shares). */
    record Query<T>(Question<T> question, CompletableFuture<T> reply) implements Command {
    }

    /** What a {@link Query} asks; runs on the decision thread, must not block. */
    @FunctionalInterface
    interface Question<T> {
        T ask(DecisionCore core, long nowMillis);
    }

    /** The actions of {@link Control}. */
    enum Action { HOLD, RELEASE, CANCEL, REQUEUE }
}
