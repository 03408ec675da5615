package dev.labq.core.testkit;

import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A listener that turns job changes into futures, so a test can await a job it did not submit in this run
 * (one recovered from the journal) the way it awaits a {@code JobHandle}. Changes seen before the test asks
 * are kept: asking late still gets the completed future.
 */
public final class JobFutures implements SchedulerListener {
    private static final String TERMINAL = "TERMINAL";
    private final Map<String, CompletableFuture<JobStatus>> futures = new ConcurrentHashMap<>();

    @Override
    public void jobChanged(JobChange change) {
        JobStatus after = change.after();
        future(after.id(), after.state().name()).complete(after);
        if (after.isTerminal()) {
            future(after.id(), TERMINAL).complete(after);
        }
    }

    /** Completes with the job's status the first time it enters {@code state}. */
    public CompletableFuture<JobStatus> reached(JobId job, JobState state) {
        return future(job, state.name());
    }

    /** Completes with the job's final status (COMPLETED, FAILED, CANCELLED or TIMEOUT). */
    public CompletableFuture<JobStatus> terminal(JobId job) {
        return future(job, TERMINAL);
    }

    private CompletableFuture<JobStatus> future(JobId job, String key) {
        return futures.computeIfAbsent(job.value() + ":" + key, k -> new CompletableFuture<>());
    }
}
