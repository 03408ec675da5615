package dev.labq.core.notify;

import dev.labq.core.LabqException;
import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.JobId;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Tells the embedding program what happened: every job change to the {@link SchedulerListener}s (on the
 * decision thread, guarded so a failing listener cannot stall scheduling), and each job's final state to
 * whoever awaits it ({@code JobHandle.outcome()}), on a thread of its own so code chained on an outcome may
 * call the scheduler and wait.
 *
 * <p>Assumptions and guarantees: called by the decision thread only; outcomes complete after the listeners
 * have seen the change; {@link #close()} fails what is still awaited and stops the callback thread.
 */
public final class OutcomeNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeNotifier.class);

    private final List<SchedulerListener> listeners;
    private final Map<Long, List<CompletableFuture<JobStatus>>> watchers = new HashMap<>();
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labq-callbacks");
        t.setDaemon(true);
        return t;
    });

    public OutcomeNotifier(List<SchedulerListener> listeners) {
        this.listeners = listeners;
    }

    /** {@code outcome} completes with the job's final state. */
    public void await(JobId job, CompletableFuture<JobStatus> outcome) {
        watchers.computeIfAbsent(job.value(), k -> new ArrayList<>(1)).add(outcome);
    }

    public void changed(JobChange change) {
        for (SchedulerListener listener : listeners) {
            try {
                listener.jobChanged(change);
            } catch (RuntimeException | Error e) { // listeners are the embedder's code: never let them stall scheduling
                LOG.warn("listener {} failed on job {}: {}", listener, change.after().id(), e.toString());
            }
        }
        if (change.after().isTerminal()) {
            List<CompletableFuture<JobStatus>> waiting = watchers.remove(change.after().id().value());
            if (waiting != null) {
                waiting.forEach(f -> f.completeAsync(change::after, callbacks));
            }
        }
    }

    /** Fails every outcome still awaited (the scheduler closes before the job ended) and stops the callback thread. */
    @Override
    public void close() {
        LabqException unfinished = new LabqException(LabqException.Kind.STORAGE,
                "the scheduler closed before the job ended; it goes on with the next scheduler on this home");
        watchers.values().forEach(waiting -> waiting.forEach(f -> f.completeExceptionally(unfinished)));
        watchers.clear();
        callbacks.shutdown(); // outcomes already handed to it still complete
    }
}
