package dev.labq.core.client;

import dev.labq.core.LabqHome;
import dev.labq.core.checkpoint.CheckpointInfo;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.decision.Explanation;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.pipeline.PipelineJobs;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.ring.Command;
import dev.labq.core.state.GpuStatus;
import dev.labq.core.state.JobStatus;
import dev.labq.store.checkpoint.Verification;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a CLI command does against a home. Inside a running scheduler's process (commands forwarded over
 * its socket) it is an {@link InProcessClient}; with no scheduler it is a {@link DirectClient} that reads
 * and appends to the journal itself. Either way, a call that returns has made its change durable.
 */
public interface LabqClient extends AutoCloseable {
    /** How many jobs ahead {@link #explain} lists by id (it counts them all). */
    int MAX_AHEAD = 100;
    /** How many jobs {@link #priorities} lists at most. */
    int MAX_PRIORITIES = 100_000;

    /** A client that works on the home's files directly (a running scheduler picks up what it appends). */
    static LabqClient direct(LabqHome home) {
        return new DirectClient(home);
    }

    /** True when a running scheduler serves this client. */
    boolean viaScheduler();

    JobId submit(JobSpec spec);

    /*
     * Many jobs in one journal entry, all or none, under one block of job ids; each returns the first id. They
     * are validated and appended as a direct client does (the validation folds the journal only where jobs name
     * dependencies); with a scheduler running, the call returns once it has folded the entry, so what follows
     * sees the jobs.
     */

    /**
     * What {@code dedup: project} may reuse in {@code project} ({@code null}: the default project): the
     * still-valid result of each pipeline task key (see {@link PipelineJobs#priorResults}), to plan a pipeline with.
     */
    PriorResults priorResults(String project);

    /** The jobs of a planned pipeline, charged to {@code user}; the first id is the pipeline's. */
    JobId submitPipeline(PipelinePlan plan, String user);

    /** Jobs in order ({@code labq submit --file}). */
    JobId submitJobs(List<JobSpec> specs);

    /** A job array: {@code spec} once per index of {@code array}; the first id is the array's. */
    JobId submitArray(JobSpec spec, ArraySpec array);

    void hold(JobId job);

    void release(JobId job);

    void cancel(JobId job);

    /**
     * Holds, releases, cancels or requeues {@code job}; with {@code wholeArray}, an id that names a job array means every
     * task of it the action applies to, in one journal entry (as Slurm's {@code scancel ARRAY_ID}).
     */
    void control(Command.Action action, JobId job, boolean wholeArray);

    /** Changes a job that has not ended: deadline, importance, time limit, nice ({@code labq alter}). */
    void alter(JobId job, Alteration change);

    /** Overrides a project's importance or share, or (with {@code user}) a user's share within it. */
    void setProject(String project, String user, Integer importance, Double share);

    /** Why a job is where it is: priority and factors, reason, jobs ahead, estimated start, budget. */
    Explanation explain(JobId job);

    /** The ready jobs in the order they would start, with their priorities. */
    List<Explanation> priorities();

    /** Every project and user with shares, usage, fair share and budget. */
    List<ShareRow> shares();

    /** The named jobs, or every job when {@code ids} is empty. */
    List<JobStatus> stat(List<JobId> ids);

    /** Every GPU device: what it is, idle, full, drained or failed, and the jobs on it ({@code labq gpus}). */
    List<GpuStatus> gpus();

    /** Takes GPU {@code gpu} out of service: no new work goes to it; what runs there goes on. */
    void drainGpu(int gpu, String reason);

    /** Puts a drained or failed GPU back in service. */
    void resumeGpu(int gpu);

    /**
     * Commits job {@code job}'s staging directory as its next checkpoint, for its running attempt {@code attempt}
     * (what {@code labq checkpoint commit} does inside the job). Returns once the files are taken, or with
     * {@code wait} once the checkpoint is durable and journaled; a client without a scheduler always waits.
     */
    JobCheckpoints.Receipt commitCheckpoint(JobId job, int attempt, boolean wait);

    /** The job's checkpoints, oldest first, each verified now (nothing is changed). */
    List<CheckpointInfo> checkpoints(JobId job);

    /** Verifies every checkpoint of the job; those that fail are quarantined, and that is journaled. */
    List<Verification> verifyCheckpoints(JobId job);

    /** Deletes checkpoint {@code number} of the job, and journals it. */
    void deleteCheckpoint(JobId job, long number);

    /**
     * Streams journal entries from {@code fromIndex} (inclusive; {@code Journal.BEFORE_FIRST} for the start)
     * as JSON lines; with {@code follow}, until {@code stop} says so.
     */
    void tail(long fromIndex, boolean follow, Consumer<String> lines, BooleanSupplier stop);

    @Override
    void close();
}
