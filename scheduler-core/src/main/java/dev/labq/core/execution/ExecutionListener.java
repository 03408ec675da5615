package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.event.JournalEvent;

/** What executors report; the scheduler journals each report as an event. Called from executor threads. */
public interface ExecutionListener {

    /** The attempt's process (or task) started; {@code pid} is 0 for an in-process task. */
    void started(JobId job, int attempt, long pid, long pidStartMillis);

    /**
     * The attempt ended.
     *
     * @param exitCode the exit code, or -1 when there is none (killed by a signal, never started, unknown)
     * @param cause    why labq stopped it, or {@code null} when it ended by itself
     * @param detail   a short explanation when there is one (a start failure, an exception), else {@code null}
     */
    void exited(JobId job, int attempt, int exitCode, JobExecutor.EndCause cause, String detail);

    /** Something else the executor saw to journal as it is (a checkpoint resumed from, or quarantined). */
    default void journal(JournalEvent event) {
    }
}
