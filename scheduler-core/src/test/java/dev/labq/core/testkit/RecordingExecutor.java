package dev.labq.core.testkit;

import dev.labq.core.execution.JobExecutor;
import dev.labq.core.execution.Launch;
import dev.labq.core.domain.JobId;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps an executor and records every attempt the scheduler asked it to start. */
public final class RecordingExecutor implements JobExecutor {
    private final JobExecutor delegate;
    private final List<Launch> launches = new CopyOnWriteArrayList<>();

    public RecordingExecutor(JobExecutor delegate) {
        this.delegate = delegate;
    }

    /** The attempts started through this executor, in order. */
    public List<Launch> launches() {
        return launches;
    }

    @Override
    public void start(Launch launch) {
        launches.add(launch);
        delegate.start(launch);
    }

    @Override
    public void terminate(JobId job, int attempt, EndCause cause) {
        delegate.terminate(job, attempt, cause);
    }

    @Override
    public void kill(JobId job, int attempt) {
        delegate.kill(job, attempt);
    }

    @Override
    public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
        return delegate.reattach(job, attempt, pid, pidStartMillis);
    }

    @Override
    public java.util.OptionalInt recordedExit(JobId job, int attempt) {
        return delegate.recordedExit(job, attempt);
    }

    @Override
    public int running() {
        return delegate.running();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
