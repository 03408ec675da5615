package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;
import dev.labq.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journals what the executors report, from their own threads: a started attempt as {@code Started}, an ended
 * one as {@code Finished} with the state its end cause and exit code mean. The decision stage learns of both
 * only through the journal, like of everything else.
 *
 * <p>Thread-safe: the journal takes appends from any thread.
 */
public final class JournalingListener implements ExecutionListener {
    private static final Logger LOG = LoggerFactory.getLogger(JournalingListener.class);

    private final Journal journal;
    private final Clock clock;

    public JournalingListener(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    @Override
    public void started(JobId job, int attempt, long pid, long pidStartMillis) {
        append(new JournalEvent.Started(job, attempt, pid, pidStartMillis));
    }

    @Override
    public void exited(JobId job, int attempt, int exitCode, JobExecutor.EndCause cause, String detail) {
        JobState state;
        String reason;
        if (cause == JobExecutor.EndCause.CANCELLED) {
            state = JobState.CANCELLED;
            reason = "Cancelled by user";
        } else if (cause == JobExecutor.EndCause.TIMEOUT) {
            state = JobState.TIMEOUT;
            reason = "TimeLimit reached";
        } else if (cause == JobExecutor.EndCause.OUT_OF_MEMORY) {
            state = JobState.FAILED;
            reason = detail;
        } else {
            state = exitCode == 0 ? JobState.COMPLETED : JobState.FAILED;
            reason = detail != null ? detail : exitCode == 0 ? null : exitCode < 0 ? "killed by a signal" : "exit code " + exitCode;
        }
        append(new JournalEvent.Finished(job, attempt, state, exitCode, reason));
    }

    @Override
    public void journal(JournalEvent event) {
        append(event);
    }

    private void append(JournalEvent event) {
        try {
            EventCodec.append(journal, clock.millis(), event);
        } catch (StoreException e) {
            LOG.error("cannot journal {}: {}", event, e.toString());
        }
    }
}
