package dev.labq.core.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.ArrayTask;
import dev.labq.core.domain.CheckpointRef;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;

import java.util.List;

/**
 * A job as the journal folds it: its spec, state and the facts of its current attempt. Immutable; every
 * change makes a new one. This is what the jobs view stores and what {@code labq stat} shows.
 *
 * @param submitMillis when the submission was journaled
 * @param attempt      how many times it was dispatched (0 before the first)
 * @param pid          the OS process of the current attempt, or 0
 * @param exitCode     the exit code of the last attempt, or {@code null}
 * @param reason       why it is where it is (a pending reason or how it ended), or {@code null}
 * @param cancelRequested a cancel arrived while it ran; the executor is terminating it
 * @param lastIndex    the journal index of the last entry that changed it (makes applying idempotent)
 * @param decidedBy    why its current (or last) attempt was started: policy, priority, factors; or {@code null}
 * @param retriesFrom  the attempts it had when a user last requeued it: its retries count the attempts after
 * @param retryAtMillis when a retry waiting out its backoff may start; null when it need not wait
 * @param checkpoints  the checkpoints its store keeps for it, oldest first, as the journal recorded them (the
 *                     checkpoints view: kept with the job, so `stat` and `explain` read them with it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(JobId id, JobSpec spec, JobState state, long submitMillis, Long startMillis, Long endMillis,
                        int attempt, long pid, long pidStartMillis, Integer exitCode, String reason,
                        Allocation allocation, boolean cancelRequested, long lastIndex, DecidedBy decidedBy,
                        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int retriesFrom,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CheckpointRef> checkpoints, Long retryAtMillis) {

    public JobStatus {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    }

    /** A job that has no checkpoint. */
    public JobStatus(JobId id, JobSpec spec, JobState state, long submitMillis, Long startMillis, Long endMillis,
                     int attempt, long pid, long pidStartMillis, Integer exitCode, String reason,
                     Allocation allocation, boolean cancelRequested, long lastIndex, DecidedBy decidedBy, int retriesFrom) {
        this(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis, exitCode, reason,
                allocation, cancelRequested, lastIndex, decidedBy, retriesFrom, List.of(), null);
    }

    /** A job no user has requeued. */
    public JobStatus(JobId id, JobSpec spec, JobState state, long submitMillis, Long startMillis, Long endMillis,
                     int attempt, long pid, long pidStartMillis, Integer exitCode, String reason,
                     Allocation allocation, boolean cancelRequested, long lastIndex, DecidedBy decidedBy) {
        this(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis, exitCode, reason,
                allocation, cancelRequested, lastIndex, decidedBy, 0);
    }

    /** A job no decision has started yet. */
    public JobStatus(JobId id, JobSpec spec, JobState state, long submitMillis, Long startMillis, Long endMillis,
                     int attempt, long pid, long pidStartMillis, Integer exitCode, String reason,
                     Allocation allocation, boolean cancelRequested, long lastIndex) {
        this(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis, exitCode, reason,
                allocation, cancelRequested, lastIndex, null);
    }

    static JobStatus submitted(JobId id, JobSpec spec, long submitMillis, long index) {
        JobState state = spec.hold() ? JobState.HELD : JobState.PENDING;
        return new JobStatus(id, spec, state, submitMillis, null, null, 0, 0, 0, null,
                spec.hold() ? "Held" : null, null, false, index, null);
    }

    JobStatus moveTo(JobState newState, String newReason, long index) {
        return new JobStatus(id, spec, newState, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis,
                exitCode, newReason, allocation, cancelRequested, index, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    JobStatus dispatched(int newAttempt, Allocation newAllocation, DecidedBy why, long atMillis, long index) {
        return new JobStatus(id, spec, JobState.RUNNING, submitMillis, atMillis, null, newAttempt, 0, 0, null,
                null, newAllocation, false, index, why, retriesFrom, checkpoints, null);
    }

    JobStatus started(long newPid, long newPidStartMillis, long index) {
        return new JobStatus(id, spec, state, submitMillis, startMillis, endMillis, attempt, newPid, newPidStartMillis,
                exitCode, reason, allocation, cancelRequested, index, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    /** Back to pending after a lost attempt; the next dispatch is attempt + 1. */
    JobStatus requeued(String why, long index) {
        return retrying(why, null, index);
    }

    /** Back to pending for a retry, which may start at {@code atMillis} (null: at once). */
    JobStatus retrying(String why, Long atMillis, long index) {
        return new JobStatus(id, spec, JobState.PENDING, submitMillis, null, null, attempt, 0, 0, null,
                why, null, false, index, decidedBy, retriesFrom, checkpoints, atMillis);
    }

    /** Back to pending at a user's request: its retries count afresh from here. */
    JobStatus requeuedByUser(String why, long index) {
        return new JobStatus(id, spec, JobState.PENDING, submitMillis, null, null, attempt, 0, 0, null,
                why, null, false, index, decidedBy, attempt, checkpoints, null);
    }

    JobStatus altered(JobSpec newSpec, long index) {
        return new JobStatus(id, newSpec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis,
                exitCode, reason, allocation, cancelRequested, index, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    JobStatus cancelling(long index) {
        return new JobStatus(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis,
                exitCode, "CancelRequested", allocation, true, index, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    JobStatus finished(JobState endState, int code, String why, long atMillis, long index) {
        return new JobStatus(id, spec, endState, submitMillis, startMillis, atMillis, attempt, pid, pidStartMillis,
                code < 0 ? null : code, why, null, cancelRequested, index, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    /** The same job with another reason (pending reasons are computed when asked, not journaled). */
    public JobStatus withReason(String newReason) {
        return new JobStatus(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis,
                exitCode, newReason, allocation, cancelRequested, lastIndex, decidedBy, retriesFrom, checkpoints, retryAtMillis);
    }

    /** The same job with {@code kept} as its checkpoints, at journal index {@code index}. */
    JobStatus withCheckpoints(List<CheckpointRef> kept, long index) {
        return new JobStatus(id, spec, state, submitMillis, startMillis, endMillis, attempt, pid, pidStartMillis,
                exitCode, reason, allocation, cancelRequested, index, decidedBy, retriesFrom, kept, retryAtMillis);
    }

    /** Its newest checkpoint, or null. */
    public CheckpointRef lastCheckpoint() {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    }

    /** The indices of the array this job's id names (it is the array's first task), or null. */
    public ArraySpec arrayItNames() {
        ArrayTask task = spec.array();
        return task != null && task.arrayId() == id.value() ? task.indices() : null;
    }

    public boolean isTerminal() {
        return state.isTerminal();
    }
}
