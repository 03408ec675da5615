package dev.labq.core.intake;

import dev.labq.core.LabqException;
import dev.labq.core.domain.AllowedTransitions;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.ring.Command;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

/**
 * Checks a hold, release or cancel against the jobs and gives the entry that journals it; the scheduler's
 * intake and the direct client share it, so both refuse the same requests with the same words.
 */
public final class ControlRequests {
    private ControlRequests() {
    }

    /**
     * The entry for {@code action} on {@code id}. With {@code wholeArray}, an id that names a job array (its
     * first task's id, as {@code labq submit --array} prints it) means every task of it, as in Slurm: accepted
     * when the action applies to at least one task, and applied to each task it applies to.
     */
    public static JournalEvent entry(Command.Action action, JobTable table, JobId id, boolean wholeArray) {
        JobStatus job = table.get(id);
        if (job == null) {
            throw new UnknownJobException("job", id);
        }
        boolean array = wholeArray && job.arrayItNames() != null;
        if (!array) {
            check(action, job, table);
        } else if (table.arrayTasks(job).stream().map(table::get).noneMatch(task -> task != null && applies(action, task))) {
            throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "array=" + id + " has no task that "
                    + switch (action) {
                        case RELEASE -> "is held";
                        case HOLD -> "is pending";
                        case CANCEL -> "has not ended";
                        case REQUEUE -> "ended unsuccessfully";
                    } + "; see `labq stat -r " + id + "` for its tasks");
        }
        return switch (action) {
            case HOLD -> new JournalEvent.Held(id, array);
            case RELEASE -> new JournalEvent.Released(id, array);
            case CANCEL -> new JournalEvent.CancelRequested(id, array);
            case REQUEUE -> new JournalEvent.RequeueRequested(id, array);
        };
    }

    private static void check(Command.Action action, JobStatus job, JobTable table) {
        String name = job.spec().array() == null ? job.id().toString() : job.spec().array().label();
        if (action == Command.Action.REQUEUE && !applies(action, job)) {
            throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "job=" + name + " is " + job.state()
                    + ": only a job that failed, was cancelled or timed out is requeued"
                    + (job.state() == JobState.COMPLETED ? "; submit it again to run it again" : ""));
        }
        if (!applies(action, job)) {
            throw new IllegalJobStateChangeException(job.id(), name, job.state(), target(action));
        }
        if (action == Command.Action.REQUEUE && "DependencyFailed".equals(table.dependencyReason(job))
                && (job.spec().pipeline() == null || !job.spec().pipeline().holdOnFailure())) {
            throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "job=" + name + " waits on a job that ended"
                    + " unsuccessfully (" + job.spec().afterOk() + (job.spec().afterOkTasks().isEmpty() ? "" : " " + job.spec().afterOkTasks()) + "); requeue that one first, or `labq pipeline retry` its pipeline");
        }
    }

    private static boolean applies(Command.Action action, JobStatus task) {
        return switch (action) {
            case RELEASE -> task.state() == JobState.HELD; // PENDING -> PENDING is no transition at all
            case REQUEUE -> task.isTerminal() && AllowedTransitions.isAllowed(task.state(), JobState.PENDING);
            default -> AllowedTransitions.isAllowed(task.state(), target(action));
        };
    }

    private static JobState target(Command.Action action) {
        return switch (action) {
            case HOLD -> JobState.HELD;
            case CANCEL -> JobState.CANCELLED;
            case RELEASE, REQUEUE -> JobState.PENDING;
        };
    }
}
