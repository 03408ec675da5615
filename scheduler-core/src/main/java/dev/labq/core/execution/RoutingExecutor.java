package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobKind;
import dev.labq.core.state.JobStatus;

import java.util.OptionalInt;

/**
 * Sends processes to one executor and in-process tasks to another. Stopping an attempt asks both: each
 * ignores attempts it does not run.
 */
public final class RoutingExecutor implements JobExecutor {
    private final JobExecutor processes;
    private final JobExecutor tasks;

    public RoutingExecutor(JobExecutor processes, JobExecutor tasks) {
        this.processes = processes;
        this.tasks = tasks;
    }

    @Override
    public void start(Launch launch) {
        (launch.spec().kind() == JobKind.TASK ? tasks : processes).start(launch);
    }

    @Override
    public void terminate(JobId job, int attempt, EndCause cause) {
        processes.terminate(job, attempt, cause);
        tasks.terminate(job, attempt, cause);
    }

    @Override
    public void requestCheckpoint(JobId job, int attempt, String signal) {
        processes.requestCheckpoint(job, attempt, signal);
    }

    @Override
    public void completed(JobStatus job) {
        (job.spec().kind() == JobKind.TASK ? tasks : processes).completed(job);
    }

    @Override
    public void kill(JobId job, int attempt) {
        processes.kill(job, attempt);
        tasks.kill(job, attempt);
    }

    @Override
    public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
        return processes.reattach(job, attempt, pid, pidStartMillis);
    }

    @Override
    public OptionalInt recordedExit(JobId job, int attempt) {
        return processes.recordedExit(job, attempt);
    }

    @Override
    public int running() {
        return processes.running() + tasks.running();
    }

    @Override
    public void close() {
        processes.close();
        tasks.close();
    }
}
