package dev.labq.core.state;

import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.ArrayTask;
import dev.labq.core.domain.CheckpointRef;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.PipelineTask;
import dev.labq.core.domain.RetryPolicy;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.CancelRequested;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Held;
import dev.labq.core.event.JournalEvent.Released;
import dev.labq.core.event.JournalEvent.Started;
import dev.labq.core.event.JournalEvent.Submitted;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.labq.core.domain.AllowedTransitions.isAllowed;

/**
 * The fold of the journal into the state of every job: deterministic, free of I/O and of clocks (times
 * come from the entries), so a replay of the same entries always gives the same table.
 *
 * <p>Entries that no longer apply (a hold for a job that has finished, a dispatch for a job cancelled in
 * the meantime) change nothing: requests were checked when accepted, and the journal order decides races.
 * An entry at or below a job's {@link JobStatus#lastIndex()} was applied already and is skipped, so applying
 * the same tail twice is harmless.
 *
 * <p>Not thread-safe: owned by one thread (the decision stage, or a reader folding on its own).
 */
public final class JobTable {
    private final Map<Long, JobStatus> jobs = new HashMap<>();
    private final DeviceStates devices = new DeviceStates();
    private final Map<Long, List<JobId>> dependents = new HashMap<>();
    /** Per job array (by its id), how many of its tasks have not completed, and how many ended unsuccessfully. */
    private final Map<Long, ArrayOutcomes> arrays = new HashMap<>();

    /** Puts a job back as loaded from the views, before replaying the journal tail. */
    public void restore(JobStatus job) {
        count(jobs.put(job.id().value(), job), job);
        register(job);
    }

    private void register(JobStatus job) {
        for (JobId parent : job.spec().afterOk()) {
            dependents.computeIfAbsent(parent.value(), k -> new ArrayList<>(2)).add(job.id());
        }
        for (JobId parent : job.spec().afterOkTasks()) {
            dependents.computeIfAbsent(parent.value(), k -> new ArrayList<>(2)).add(job.id());
        }
    }

    public JobStatus get(JobId id) {
        return jobs.get(id.value());
    }

    public boolean contains(JobId id) {
        return jobs.containsKey(id.value());
    }

    public Collection<JobStatus> all() {
        return jobs.values();
    }

    public int size() {
        return jobs.size();
    }

    /** The largest job id known, or 0. */
    public long maxId() {
        long max = 0;
        for (long id : jobs.keySet()) {
            max = Math.max(max, id);
        }
        return max;
    }

    /**
     * Why {@code job} waits on its dependencies: {@code null} when every one has completed successfully,
     * {@code DependencyFailed} when one ended unsuccessfully (it waits for that one to be requeued: a pipeline
     * task under {@code onFailure: hold}), else {@code Dependency}. A dependency on a job array is on all its tasks.
     */
    public String dependencyReason(JobStatus job) {
        String reason = null;
        for (JobId parent : job.spec().afterOk()) {
            ArrayOutcomes array = arrays.get(parent.value());
            if (array != null ? array.failed > 0 : failed(jobs.get(parent.value()))) {
                return "DependencyFailed";
            }
            if (array != null ? array.unfinished > 0 : !completed(jobs.get(parent.value()))) {
                reason = "Dependency";
            }
        }
        for (JobId parent : job.spec().afterOkTasks()) {
            JobStatus p = jobs.get(parent.value());
            if (failed(p)) {
                return "DependencyFailed";
            }
            if (!completed(p)) {
                reason = "Dependency";
            }
        }
        return reason;
    }

    /** True when every job this one waits for has completed successfully. */
    public boolean dependenciesMet(JobStatus job) {
        for (JobId parent : job.spec().afterOk()) {
            ArrayOutcomes array = arrays.get(parent.value());
            if (array != null ? array.unfinished > 0 : !completed(jobs.get(parent.value()))) {
                return false;
            }
        }
        for (JobId parent : job.spec().afterOkTasks()) {
            if (!completed(jobs.get(parent.value()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean completed(JobStatus job) {
        return job != null && job.state() == JobState.COMPLETED;
    }

    private static boolean failed(JobStatus job) {
        return job != null && job.isTerminal() && job.state() != JobState.COMPLETED;
    }

    /**
     * Jobs whose dependencies {@code job} may have just satisfied or broken: those waiting on it, and, for a task
     * of a job array, those waiting on the whole array.
     */
    public List<JobId> waitingOn(JobStatus job) {
        List<JobId> direct = dependentsOf(job.id());
        ArrayTask task = job.spec().array();
        if (task == null || task.arrayId() == job.id().value()) {
            return direct; // the array's first task: whole-array dependents wait under its id already
        }
        JobId arrayId = JobId.of(task.arrayId());
        List<JobId> onArray = dependentsOf(arrayId);
        if (onArray.isEmpty()) {
            return direct;
        }
        List<JobId> all = new ArrayList<>(direct);
        for (JobId child : onArray) {
            JobStatus c = jobs.get(child.value());
            if (c != null && c.spec().afterOk().contains(arrayId)) {
                all.add(child);
            }
        }
        return all;
    }

    /** Which GPU devices are out of service. */
    public DeviceStates devices() {
        return devices;
    }

    /**
     * The attempts running on a failed device go back to pending, as attempts lost with their machine do; one
     * whose cancel was asked ends CANCELLED.
     */
    private void requeueOn(JournalEvent.GpuFailed failed, long timestampMillis, long index, List<JobChange> changes) {
        List<JobStatus> on = jobs.values().stream().filter(j -> j.state() == JobState.RUNNING && j.allocation() != null
                && j.allocation().gpuIds().contains(failed.gpu())).sorted(java.util.Comparator.comparingLong(j -> j.id().value())).toList();
        for (JobStatus job : on) {
            String why = "gpu " + failed.gpu() + " failed (" + failed.reason() + ")";
            if (job.cancelRequested()) { // its cancel stands: it does not run again
                end(job, JobState.CANCELLED, -1, "Cancelled by user; " + why, timestampMillis, index, changes);
            } else {
                put(job, job.requeued("Requeued after attempt " + job.attempt() + ": " + why, index), changes);
            }
        }
    }

    /** Jobs that wait on {@code parent}. */
    public List<JobId> dependentsOf(JobId parent) {
        return dependents.getOrDefault(parent.value(), List.of());
    }

    /** Applies one journal entry and returns the jobs it changed (empty when it changed nothing). */
    public List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
        List<JobChange> changes = new ArrayList<>(1);
        if (devices.apply(timestampMillis, event)) {
            if (event instanceof JournalEvent.GpuFailed failed) {
                requeueOn(failed, timestampMillis, index, changes);
            }
            return changes;
        }
        JobId id = event.job();
        if (id == null) {
            return changes;
        }
        JobStatus job = jobs.get(id.value());
        if (event instanceof Submitted s) {
            if (job == null) {
                submit(index, timestampMillis, s, changes);
            }
            return changes;
        }
        if (event instanceof JournalEvent.Block block) {
            // Job by job: views written a slice at a time may hold some of a block's jobs and not the others.
            for (int i = 0; i < block.size(); i++) {
                if (!jobs.containsKey(block.job().value() + i)) {
                    submit(index, timestampMillis, new Submitted(block.jobOf(i), block.specOf(i)), changes);
                }
            }
            return changes;
        }
        if (job != null && wholeArray(event)) {
            for (JobId task : arrayTasks(job)) {
                applyToOne(jobs.get(task.value()), index, timestampMillis, event, changes);
            }
            return changes;
        }
        applyToOne(job, index, timestampMillis, event, changes);
        return changes;
    }

    private static boolean wholeArray(JournalEvent event) {
        return event instanceof Held h && h.wholeArray() || event instanceof Released r && r.wholeArray()
                || event instanceof CancelRequested c && c.wholeArray()
                || event instanceof JournalEvent.RequeueRequested q && q.wholeArray();
    }

    /**
     * The tasks of the array {@code first} is the first task of, in order; just {@code first} when it is not
     * one. An array's tasks hold consecutive ids from its id on.
     */
    public List<JobId> arrayTasks(JobStatus first) {
        ArrayTask task = first.spec().array();
        if (task == null || task.arrayId() != first.id().value()) {
            return List.of(first.id());
        }
        int size = task.taskCount();
        List<JobId> ids = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ids.add(JobId.of(task.arrayId() + i));
        }
        return ids;
    }

    /**
     * The job of array task {@code arrayId_taskId}, or null when there is none: the array's first task tells
     * its indices, and the task's position among them gives its id.
     */
    public JobStatus arrayTask(long arrayId, int taskId) {
        JobStatus first = jobs.get(arrayId);
        ArraySpec indices = first == null ? null : first.arrayItNames();
        if (indices == null) {
            return null;
        }
        int position = indices.positionOf(taskId);
        return position < 0 ? null : jobs.get(arrayId + position);
    }

    private void applyToOne(JobStatus job, long index, long timestampMillis, JournalEvent event, List<JobChange> changes) {
        if (job == null || index <= job.lastIndex()) {
            return;
        }
        if (event instanceof Held) {
            if (isAllowed(job.state(), JobState.HELD)) {
                put(job, job.moveTo(JobState.HELD, "Held", index), changes);
            }
        } else if (event instanceof Released) {
            if (job.state() == JobState.HELD && isAllowed(job.state(), JobState.PENDING)) {
                put(job, job.moveTo(JobState.PENDING, null, index), changes);
                settle(jobs.get(job.id().value()), timestampMillis, index, changes);
            }
        } else if (event instanceof CancelRequested) {
            if (!isAllowed(job.state(), JobState.CANCELLED)) {
                return;
            }
            if (job.state() != JobState.RUNNING) {
                end(job, JobState.CANCELLED, -1, "Cancelled by user", timestampMillis, index, changes);
            } else if (!job.cancelRequested()) {
                put(job, job.cancelling(index), changes); // ends CANCELLED once the executor has stopped it
            }
        } else if (event instanceof Dispatched d) {
            if (isAllowed(job.state(), JobState.RUNNING) && job.state() == JobState.PENDING && d.attempt() == job.attempt() + 1) {
                put(job, job.dispatched(d.attempt(), d.allocation(), d.decidedBy(), timestampMillis, index), changes);
            }
        } else if (event instanceof Started st) {
            if (job.state() == JobState.RUNNING && st.attempt() == job.attempt()) {
                put(job, job.started(st.pid(), st.pidStartMillis(), index), changes);
            }
        } else if (event instanceof JournalEvent.Requeued r) {
            if (r.attempt() == job.attempt() && job.state() == JobState.RUNNING && isAllowed(job.state(), JobState.PENDING)) {
                put(job, job.requeued("Requeued after attempt " + r.attempt() + ": " + r.reason(), index), changes);
            }
        } else if (event instanceof Finished f) {
            if (job.state() == JobState.RUNNING && f.attempt() == job.attempt() && f.state().isTerminal()
                    && isAllowed(job.state(), f.state())) {
                if (retries(job, f)) { // the next start is retry `attempts since the last requeue` of `retries`
                    int retry = job.attempt() - job.retriesFrom();
                    RetryPolicy policy = job.spec().retryPolicy();
                    long delay = policy == null ? 0 : policy.delayMillis(job.id(), retry);
                    put(job, job.retrying("Retry " + retry + " of " + job.spec().retries() + " after " + f.state()
                            + (f.exitCode() < 0 ? "" : " (exit " + f.exitCode() + ")"), delay > 0 ? timestampMillis + delay : null,
                            index), changes);
                } else {
                    end(job, f.state(), f.exitCode(), f.reason(), timestampMillis, index, changes);
                }
            }
        } else if (event instanceof JournalEvent.RequeueRequested) {
            if (job.isTerminal() && isAllowed(job.state(), JobState.PENDING)) {
                put(job, job.requeuedByUser("Requeued by user after " + job.state()
                        + (job.exitCode() == null ? "" : " (exit " + job.exitCode() + ")"), index), changes);
                settle(jobs.get(job.id().value()), timestampMillis, index, changes);
            }
        } else if (event instanceof JournalEvent.CheckpointCommitted c) {
            List<CheckpointRef> kept = new ArrayList<>(job.checkpoints().size() + 1);
            for (CheckpointRef ref : job.checkpoints()) {
                if (ref.number() != c.number() && !c.pruned().contains(ref.number())) {
                    kept.add(ref);
                }
            }
            kept.add(new CheckpointRef(c.number(), timestampMillis, c.attempt(), c.files(), c.bytes(), c.checksum()));
            put(job, job.withCheckpoints(kept, index), changes);
        } else if (event instanceof JournalEvent.CheckpointQuarantined q) {
            put(job, job.withCheckpoints(without(job.checkpoints(), q.number()), index), changes);
        } else if (event instanceof JournalEvent.CheckpointDeleted d) {
            put(job, job.withCheckpoints(without(job.checkpoints(), d.number()), index), changes);
        } else if (event instanceof JournalEvent.Altered a) {
            if (!job.isTerminal()) {
                put(job, job.altered(job.spec().altered(a.change()), index), changes);
            }
        }
    }

    private static List<CheckpointRef> without(List<CheckpointRef> refs, long number) {
        return refs.stream().filter(r -> r.number() != number).toList();
    }

    private void submit(long index, long timestampMillis, Submitted s, List<JobChange> changes) {
        JobStatus job = JobStatus.submitted(s.job(), s.spec(), timestampMillis, index);
        put(null, job, changes);
        register(job);
        settle(job, timestampMillis, index, changes);
    }

    /**
     * A job that has just come to wait (submitted, released, requeued): one reusing a completed result completes
     * at once; one with a dependency that can never be satisfied is cancelled, unless its pipeline holds it.
     */
    private void settle(JobStatus job, long timestampMillis, long index, List<JobChange> changes) {
        if (reusesCompleted(job)) {
            end(job, JobState.COMPLETED, 0, reusedReason(job), timestampMillis, index, changes);
            return;
        }
        if (holdsOnFailure(job)) {
            return;
        }
        String never = neverSatisfied(job.spec().afterOk(), true);
        if (never == null) {
            never = neverSatisfied(job.spec().afterOkTasks(), false);
        }
        if (never != null) {
            end(job, JobState.CANCELLED, -1, "DependencyNeverSatisfied: " + never, timestampMillis, index, changes);
        }
    }

    /** What makes one of {@code parents} never complete successfully, or null; an array's id stands for all its tasks when {@code arraysWhole}. */
    private String neverSatisfied(List<JobId> parents, boolean arraysWhole) {
        for (JobId parent : parents) {
            JobStatus p = jobs.get(parent.value());
            ArrayOutcomes array = arraysWhole ? arrays.get(parent.value()) : null;
            if (p == null) {
                return "job " + parent + " is unknown";
            }
            if (array != null && array.failed > 0) {
                return "a task of array " + parent + " ended unsuccessfully";
            }
            if (array == null && failed(p)) {
                return "job " + parent + " ended " + p.state();
            }
        }
        return null;
    }

    /** Ends a job; dependents that can now never run are cancelled with it. */
    private void end(JobStatus job, JobState state, int exitCode, String reason, long atMillis, long index,
                     List<JobChange> changes) {
        put(job, job.finished(state, exitCode, reason, atMillis, index), changes);
        if (state == JobState.COMPLETED) {
            for (JobId child : waitingOn(job)) {
                JobStatus c = jobs.get(child.value());
                if (c != null && c.state() == JobState.PENDING && reusesCompleted(c)) {
                    end(c, JobState.COMPLETED, 0, reusedReason(c), atMillis, index, changes);
                }
            }
            return;
        }
        for (JobId child : waitingOn(job)) {
            JobStatus c = jobs.get(child.value());
            if (c != null && (c.state() == JobState.PENDING || c.state() == JobState.HELD) && !holdsOnFailure(c)) {
                end(c, JobState.CANCELLED, -1, "DependencyNeverSatisfied: job " + job.id() + " ended " + state,
                        atMillis, index, changes);
            }
        }
    }

    /**
     * Whether a failed or timed-out attempt starts again: its failure is one the job's retry policy retries (any,
     * without one), the job has retries left (counting the attempts since a user last requeued it, as DAGMan's
     * rescue starts afresh) and no cancel was asked.
     */
    private static boolean retries(JobStatus job, Finished f) {
        RetryPolicy policy = job.spec().retryPolicy();
        boolean retryable = policy != null ? policy.retries(f.state(), f.exitCode())
                : f.state() == JobState.FAILED || f.state() == JobState.TIMEOUT;
        return retryable && !job.cancelRequested() && job.spec().retriesLeft(job.attempt() - job.retriesFrom()) > 0;
    }

    /** A job that reuses another's result ({@code dedup: project}), and that one has completed. */
    private boolean reusesCompleted(JobStatus job) {
        PipelineTask task = job.spec().pipeline();
        if (task == null || !task.reusesResult()) {
            return false;
        }
        JobStatus result = jobs.get(task.reuses());
        return result != null && result.state() == JobState.COMPLETED;
    }

    private static String reusedReason(JobStatus job) {
        return "Reused the result of job " + job.spec().pipeline().reuses();
    }

    /** A pipeline task under {@code onFailure: hold}, or a job with {@code --kill-on-invalid-dep=no}: it waits for a failed dependency to be requeued. */
    private static boolean holdsOnFailure(JobStatus job) {
        return job.spec().waitsOnFailedDependency();
    }

    private void put(JobStatus before, JobStatus after, List<JobChange> changes) {
        jobs.put(after.id().value(), after);
        count(before, after);
        changes.add(new JobChange(before, after));
    }

    /** Keeps an array's outcome counts as one of its tasks changes from {@code before} (null: new) to {@code after}. */
    private void count(JobStatus before, JobStatus after) {
        ArrayTask task = after.spec().array();
        if (task == null) {
            return;
        }
        ArrayOutcomes outcomes = arrays.computeIfAbsent(task.arrayId(), k -> new ArrayOutcomes());
        if (before != null) {
            outcomes.unfinished -= completed(before) ? 0 : 1;
            outcomes.failed -= failed(before) ? 1 : 0;
        }
        outcomes.unfinished += completed(after) ? 0 : 1;
        outcomes.failed += failed(after) ? 1 : 0;
    }

    /** Counts over one job array's tasks, kept as they change so a whole-array dependency is checked at once. */
    private static final class ArrayOutcomes {
        int unfinished;
        int failed;
    }
}
