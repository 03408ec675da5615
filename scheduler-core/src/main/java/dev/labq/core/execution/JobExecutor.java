package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.state.JobStatus;

import java.util.OptionalInt;

/**
 * Runs attempts of jobs and reports how they went (named so as not to clash with
 * {@link java.util.concurrent.Executor}). Implementations: OS processes, in-process tasks, and later a
 * Slurm executor for scale-out.
 *
 * <p>Assumptions and guarantees: the decision stage calls {@link #start} once per attempt and never blocks
 * on it; the executor reports to its {@link ExecutionListener} from its own threads, exactly one
 * {@code exited} per started attempt (also when the start itself fails, or a terminate came first).
 */
public interface JobExecutor extends AutoCloseable {

    /** Starts an attempt, asynchronously. */
    void start(Launch launch);

    /** Asks an attempt to stop (SIGTERM for a process, interrupt for a task), remembering why. */
    void terminate(JobId job, int attempt, EndCause cause);

    /** Stops an attempt at once (SIGKILL). */
    void kill(JobId job, int attempt);

    /** Asks a running attempt for a checkpoint by {@code signal} (its name, as USR1); nothing for work that takes none. */
    default void requestCheckpoint(JobId job, int attempt, String signal) {
    }

    /** A job has completed: what it kept to resume from (its checkpoints) can go. */
    default void completed(JobStatus job) {
    }

    /**
     * Watches an attempt started by an earlier scheduler run, if its process is still the one started then
     * (pid 0: the start was never confirmed, so the executor looks for the attempt's process itself).
     * Returns false when it is gone (or the pid now belongs to another process).
     */
    boolean reattach(JobId job, int attempt, long pid, long pidStartMillis);

    /** The exit code an attempt recorded on its own when it ended (it may have ended while no scheduler ran). */
    default OptionalInt recordedExit(JobId job, int attempt) {
        return OptionalInt.empty();
    }

    /** Attempts this executor is running now. */
    int running();

    @Override
    void close();

    /** Why labq ended an attempt: a cancel, its time limit, or memory beyond what it asked for. */
    enum EndCause { CANCELLED, TIMEOUT, OUT_OF_MEMORY }
}
