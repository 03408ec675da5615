package dev.labq.core.testkit;

import dev.labq.core.domain.JobId;
import dev.labq.core.execution.ExecutionListener;
import dev.labq.core.execution.JobExecutor;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link ExecutionListener} that records every report, to drive an executor directly in a test. */
public class ExecutionRecorder implements ExecutionListener {
    /** A {@code started} report. */
    public record Start(JobId job, int attempt, long pid, long pidStartMillis) {
    }

    /** An {@code exited} report. */
    public record Exit(JobId job, int attempt, int exitCode, JobExecutor.EndCause cause, String detail) {
    }

    private final Map<String, CompletableFuture<Start>> started = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Exit>> exited = new ConcurrentHashMap<>();
    private final List<String> reports = new CopyOnWriteArrayList<>();

    @Override
    public void started(JobId job, int attempt, long pid, long pidStartMillis) {
        reports.add("started " + job + "#" + attempt);
        started(job, attempt).complete(new Start(job, attempt, pid, pidStartMillis));
    }

    @Override
    public void exited(JobId job, int attempt, int exitCode, JobExecutor.EndCause cause, String detail) {
        reports.add("exited " + job + "#" + attempt);
        exited(job, attempt).complete(new Exit(job, attempt, exitCode, cause, detail));
    }

    private final List<dev.labq.core.event.JournalEvent> journaled = new CopyOnWriteArrayList<>();

    @Override
    public void journal(dev.labq.core.event.JournalEvent event) {
        journaled.add(event);
    }

    /** What the executor handed over to journal as it is (checkpoint events). */
    public List<dev.labq.core.event.JournalEvent> journaled() {
        return journaled;
    }

    public CompletableFuture<Start> started(JobId job, int attempt) {
        return started.computeIfAbsent(job.value() + "#" + attempt, k -> new CompletableFuture<>());
    }

    public CompletableFuture<Exit> exited(JobId job, int attempt) {
        return exited.computeIfAbsent(job.value() + "#" + attempt, k -> new CompletableFuture<>());
    }

    /** Every report in the order it arrived, as "started 3#1" or "exited 3#1". */
    public List<String> reports() {
        return reports;
    }
}
