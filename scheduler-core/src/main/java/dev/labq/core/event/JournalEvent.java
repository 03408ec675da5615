package dev.labq.core.event;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.ArrayTask;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Everything that may be written to the journal: commands from clients and events from the scheduler.
 * The state of every job is a fold of these, in journal order ({@code JobTable}).
 */
public sealed interface JournalEvent {

    /** The job this entry is about, or {@code null} for scheduler-wide entries. */
    JobId job();

    /** A client submitted a job. */
    record Submitted(JobId job, JobSpec spec) implements JournalEvent {
    }

    /** A client held a pending job, or ({@code wholeArray}) every pending task of array {@code job}. */
    record Held(JobId job, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wholeArray) implements JournalEvent {
        public Held(JobId job) {
            this(job, false);
        }
    }

    /** A client released a held job, or ({@code wholeArray}) every held task of array {@code job}. */
    record Released(JobId job, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wholeArray) implements JournalEvent {
        public Released(JobId job) {
            this(job, false);
        }
    }

    /**
     * A client asked to run a job that ended unsuccessfully (failed, cancelled, timed out) again, or
     * ({@code wholeArray}) every such task of array {@code job}: it is pending again, its next dispatch the next
     * attempt (Slurm's {@code scontrol requeue}).
     */
    record RequeueRequested(JobId job, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wholeArray) implements JournalEvent {
    }

    /**
     * A client asked to cancel a job, or ({@code wholeArray}) every task of array {@code job} that has not
     * ended; a running one is terminated first.
     */
    record CancelRequested(JobId job, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean wholeArray) implements JournalEvent {
        public CancelRequested(JobId job) {
            this(job, false);
        }
    }

    /**
     * The decision stage chose to start attempt {@code attempt} of the job with this allocation. The
     * process is forked only after the fold has applied this entry and the views record it, so a
     * restart can never start the same attempt twice.
     */
    record Dispatched(JobId job, int attempt, Allocation allocation, DecidedBy decidedBy) implements JournalEvent {
        /** A dispatch with no record of why (journals written before decisions recorded it). */
        public Dispatched(JobId job, int attempt, Allocation allocation) {
            this(job, attempt, allocation, null);
        }
    }

    /**
     * Jobs accepted together in one entry, whole or not at all, under one block of job ids: {@code job},
     * {@code job + 1}, ... The fold expands it as if each had been {@link Submitted} at this entry.
     */
    sealed interface Block extends JournalEvent {
        /** How many jobs the block holds. */
        int size();

        /** The spec of job {@code i} (0-based) of the block. */
        JobSpec specOf(int i);

        /** The id of job {@code i} (0-based) of the block. */
        default JobId jobOf(int i) {
            return JobId.of(job().value() + i);
        }

        /** Whether {@code id} is one of the block's jobs. */
        default boolean holds(JobId id) {
            return id.value() >= job().value() && id.value() < job().value() + size();
        }
    }

    /**
     * Jobs submitted together (a pipeline's tasks, a file of jobs), in order, each spec already carrying its
     * dependencies' job ids (and, for a pipeline, its {@code PipelineTask}).
     */
    record JobsSubmitted(JobId job, List<JobSpec> jobs) implements Block {
        public JobsSubmitted {
            jobs = List.copyOf(jobs);
        }

        @Override
        public int size() {
            return jobs.size();
        }

        @Override
        public JobSpec specOf(int i) {
            return jobs.get(i);
        }
    }

    /**
     * A job array ({@code labq submit --array}): task {@code i} runs {@code spec} as index
     * {@code array.indexAt(i)}; the array's id is its first task's, {@code job}.
     */
    record ArraySubmitted(JobId job, JobSpec spec, ArraySpec array) implements Block {
        @Override
        public int size() {
            return array.size();
        }

        @Override
        public JobSpec specOf(int i) {
            return spec.asArrayTask(ArrayTask.of(job.value(), i, array));
        }
    }

    /** A client changed a job that has not ended (`labq alter`): deadline, importance, time limit or nice. */
    record Altered(JobId job, Alteration change) implements JournalEvent {
    }

    /**
     * An administrator changed a project's importance or share, or a user's share within it
     * ({@code user} set), overriding the configuration from this entry on ({@code null} fields keep it).
     */
    record ProjectSet(String project, String user, Integer importance, Double share) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }

    /** The executor started the attempt: pid and the process's start time tell it apart from a recycled pid. */
    record Started(JobId job, int attempt, long pid, long pidStartMillis) implements JournalEvent {
    }

    /** The attempt ended, with the state it ended in, its exit code (-1 when none) and why. */
    record Finished(JobId job, int attempt, JobState state, int exitCode, String reason) implements JournalEvent {
    }

    /**
     * The attempt was lost with its machine (its process gone, no exit recorded) and the job goes back to
     * pending for another attempt.
     */
    record Requeued(JobId job, int attempt, String reason) implements JournalEvent {
    }

    /**
     * Attempt {@code attempt} of the job committed its checkpoint {@code number} ({@code files} files,
     * {@code bytes} in all, {@code storedBytes} of them new to the store {@code store}; {@code checksum} the
     * manifest's); the store then deleted the older ones in {@code pruned} to keep its newest.
     */
    record CheckpointCommitted(JobId job, int attempt, long number, int files, long bytes, long storedBytes,
                               String checksum, String store,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Long> pruned) implements JournalEvent {
        public CheckpointCommitted {
            pruned = pruned == null ? List.of() : List.copyOf(pruned);
        }
    }

    /** Checkpoint {@code number} of the job did not verify ({@code problem}) and was moved aside, never to be resumed from. */
    record CheckpointQuarantined(JobId job, long number, String problem) implements JournalEvent {
    }

    /** Attempt {@code attempt} of the job starts from its checkpoint {@code number}. */
    record CheckpointResumed(JobId job, int attempt, long number) implements JournalEvent {
    }

    /** An administrator took GPU {@code gpu} out of service (`labq drain gpu:ID`): no new work goes to it. */
    record GpuDrained(int gpu, String reason) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }

    /** GPU {@code gpu} is back in service (`labq resume gpu:ID`), drained or failed before. */
    record GpuResumed(int gpu) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }

    /**
     * GPU {@code gpu} disappeared from discovery (or was gone at a start): it is out of service until resumed,
     * and the attempts running on it are requeued.
     */
    record GpuFailed(int gpu, String reason) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }

    /** A user deleted checkpoint {@code number} of the job. */
    record CheckpointDeleted(JobId job, long number) implements JournalEvent {
    }

    /** A scheduler took the home over. */
    record SchedulerStarted(long pid) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }

    /** A scheduler stopped cleanly. */
    record SchedulerStopped(long pid) implements JournalEvent {
        @Override
        public JobId job() {
            return null;
        }
    }
}
