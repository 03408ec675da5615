package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobKind;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sends processes to one executor and in-process tasks to another, and remembers which ran what. */
public final class RoutingExecutor implements JobExecutor {
    private final JobExecutor processes;
    private final JobExecutor tasks;
    private final Map<Long, JobExecutor> owner = new ConcurrentHashMap<>();

    public RoutingExecutor(JobExecutor processes, JobExecutor tasks) {
        this.processes = processes;
        this.tasks = tasks;
    }

    @Override
    public void start(Launch launch) {
        JobExecutor target = launch.spec().kind() == JobKind.TASK ? tasks : processes;
        owner.put(launch.job().value(), target);
        target.start(launch);
    }

    @Override
    public void terminate(JobId job, int attempt, EndCause cause) {
        JobExecutor target = owner.get(job.value());
        if (target != null) {
            target.terminate(job, attempt, cause);
        }
    }

    @Override
    public void kill(JobId job, int attempt) {
        JobExecutor target = owner.get(job.value());
        if (target != null) {
            target.kill(job, attempt);
        }
    }

    @Override
    public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
        if (processes.reattach(job, attempt, pid, pidStartMillis)) {
            owner.put(job.value(), processes);
            return true;
        }
        return false;
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
