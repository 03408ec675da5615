package dev.labq.core.client;

import dev.labq.core.event.JournalEvent;
import dev.labq.store.checkpoint.Verification;
import dev.labq.core.checkpoint.CheckpointInfo;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.event.EventCodec;
import dev.labq.core.LabqScheduler;
import dev.labq.core.decision.Explanation;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.pipeline.PipelineJobs;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.ring.Command;
import dev.labq.core.intake.DeviceRequests;
import dev.labq.core.state.GpuStatus;
import dev.labq.core.state.JobStatus;
import dev.labq.store.Journal;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/** {@link LabqClient} inside the scheduler's own process: commands go straight onto the ring. */
public final class InProcessClient implements LabqClient {
    private final LabqScheduler scheduler;

    public InProcessClient(LabqScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public boolean viaScheduler() {
        return true;
    }

    @Override
    public JobId submit(JobSpec spec) {
        return scheduler.submit(spec).id();
    }

    @Override
    public PriorResults priorResults(String project) {
        return scheduler.query((core, now) -> PipelineJobs.priorResults(core.table().all(),
                project != null ? project : core.context().config().scheduler().defaultProject()));
    }

    @Override
    public JobId submitPipeline(PipelinePlan plan, String user) {
        return appended(direct -> direct.appendPipeline(plan, user));
    }

    @Override
    public JobId submitJobs(List<JobSpec> specs) {
        return appended(direct -> direct.appendJobs(specs));
    }

    @Override
    public JobId submitArray(JobSpec spec, ArraySpec array) {
        return appended(direct -> direct.appendArray(spec, array));
    }

    /**
     * Appends as a direct client does, validated against the scheduler's configuration and machine, then waits
     * for the scheduler to fold the entry (read your writes).
     */
    private JobId appended(Function<DirectClient, Journal.Numbered> append) {
        Journal.Numbered numbered;
        try (DirectClient direct = new DirectClient(scheduler.home(), scheduler.config(), scheduler.inventory())) {
            numbered = append.apply(direct);
        }
        scheduler.awaitApplied(numbered.index());
        return JobId.of(numbered.number());
    }

    @Override
    public void hold(JobId job) {
        scheduler.hold(job);
    }

    @Override
    public void release(JobId job) {
        scheduler.release(job);
    }

    @Override
    public void cancel(JobId job) {
        scheduler.cancel(job);
    }

    @Override
    public void control(Command.Action action, JobId job, boolean wholeArray) {
        scheduler.control(action, job, wholeArray);
    }

    @Override
    public void alter(JobId job, Alteration change) {
        scheduler.alter(job, change);
    }

    @Override
    public void setProject(String project, String user, Integer importance, Double share) {
        scheduler.setProject(project, user, importance, share);
    }

    @Override
    public Explanation explain(JobId job) {
        return scheduler.explain(job, MAX_AHEAD);
    }

    @Override
    public List<Explanation> priorities() {
        return scheduler.priorities(MAX_PRIORITIES);
    }

    @Override
    public List<ShareRow> shares() {
        return scheduler.shares();
    }

    @Override
    public List<JobStatus> stat(List<JobId> ids) {
        return scheduler.jobs(ids);
    }

    @Override
    public JobCheckpoints.Receipt commitCheckpoint(JobId job, int attempt, boolean wait) {
        return scheduler.checkpoints().commit(scheduler.job(job), attempt, scheduler.clock().millis(), wait,
                wait ? this::journal : this::append);
    }

    @Override
    public List<CheckpointInfo> checkpoints(JobId job) {
        scheduler.job(job);
        return scheduler.checkpoints().list(job);
    }

    @Override
    public List<Verification> verifyCheckpoints(JobId job) {
        scheduler.job(job);
        return scheduler.checkpoints().verifyAll(job, this::journal);
    }

    @Override
    public void deleteCheckpoint(JobId job, long number) {
        scheduler.job(job);
        journal(scheduler.checkpoints().delete(job, number));
    }

    @Override
    public List<GpuStatus> gpus() {
        return scheduler.query((core, now) -> GpuStatus.of(scheduler.inventory(), core.table()));
    }

    @Override
    public void drainGpu(int gpu, String reason) {
        journal(scheduler.query((core, now) -> DeviceRequests.drain(scheduler.inventory(), core.table().devices(), gpu, reason)));
    }

    @Override
    public void resumeGpu(int gpu) {
        journal(scheduler.query((core, now) -> DeviceRequests.resume(scheduler.inventory(), core.table().devices(), gpu)));
    }

    /** Journals {@code event} and waits until the scheduler has folded it. */
    private void journal(JournalEvent event) {
        scheduler.awaitApplied(append(event));
    }

    private long append(JournalEvent event) {
        return EventCodec.append(scheduler.journal(), scheduler.clock().millis(), event);
    }

    @Override
    public void tail(long fromIndex, boolean follow, Consumer<String> lines, BooleanSupplier stop) {
        JournalFollower.stream(scheduler.journal(), fromIndex, follow, lines, stop);
    }

    @Override
    public void close() {
        // the scheduler outlives its clients
    }
}
