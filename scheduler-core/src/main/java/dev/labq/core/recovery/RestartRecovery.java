package dev.labq.core.recovery;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalWriter;
import dev.labq.core.execution.AttemptSupervisor;
import dev.labq.core.execution.JobExecutor;
import dev.labq.core.state.JobStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scheduler does once it has replayed the journal: attempts the journal says are running but this run
 * did not start belong to an earlier scheduler. Live ones are re-attached; those dispatched but never forked
 * are started now; the others are recorded as ended (by their exit file) or lost with the machine and
 * requeued while they have attempts left. Never starts the same attempt twice.
 */
public final class RestartRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RestartRecovery.class);

    private final JobExecutor executor;
    private final AttemptSupervisor supervisor;
    private final JournalWriter journal;
    private final int maxAttempts;
    private final MachineInventory inventory;

    public RestartRecovery(JobExecutor executor, AttemptSupervisor supervisor, JournalWriter journal, int maxAttempts,
                           MachineInventory inventory) {
        this.executor = executor;
        this.supervisor = supervisor;
        this.journal = journal;
        this.maxAttempts = maxAttempts;
        this.inventory = inventory;
    }

    /**
     * Reconciles every running attempt with what is really running, journaling what it finds. An attempt on a GPU
     * this machine no longer has is not started; the GPU is journaled as failed, which requeues it.
     */
    public void recover() {
        Set<Integer> missing = new TreeSet<>();
        for (JobStatus job : supervisor.running()) {
            gpusOf(job).stream().filter(id -> inventory.gpu(id).isEmpty()).forEach(missing::add);
        }
        for (int gpu : missing) {
            LOG.warn("gpu {} held by running jobs is not on this machine any more; they are requeued", gpu);
            journal.append(new JournalEvent.GpuFailed(gpu, "not on this machine when the scheduler restarted"));
        }
        for (JobStatus job : List.copyOf(supervisor.running())) {
            if (supervisor.launchedHere(job)) {
                continue;
            }
            boolean onMissingGpu = gpusOf(job).stream().anyMatch(missing::contains);
            if (supervisor.awaitsStart(job)) {
                if (onMissingGpu) {
                    continue; // requeued by the GpuFailed above
                }
                if (job.cancelRequested()) {
                    journal.append(new JournalEvent.Finished(job.id(), job.attempt(), JobState.CANCELLED, -1, "Cancelled by user"));
                } else {
                    supervisor.launch(job);
                }
                continue;
            }
            if (executor.reattach(job.id(), job.attempt(), job.pid(), job.pidStartMillis())) {
                LOG.info("job {} attempt {} re-attached", job.id(), job.attempt());
                if (job.cancelRequested()) { // cancelled while no scheduler ran: its TERM had no process to reach
                    supervisor.terminate(job, JobExecutor.EndCause.CANCELLED);
                }
                continue;
            }
            if (!onMissingGpu) {
                journal.append(orphanEnd(job));
            }
        }
        supervisor.recovered();
    }

    private static List<Integer> gpusOf(JobStatus job) {
        return job.allocation() == null ? List.of() : job.allocation().gpuIds();
    }

    /**
     * How an attempt ends whose process this run neither started nor found: as its exit file says when it
     * ended while no scheduler ran; else lost with its node, and requeued while it has attempts left.
     */
    private JournalEvent orphanEnd(JobStatus job) {
        OptionalInt exit = executor.recordedExit(job.id(), job.attempt());
        if (exit.isPresent()) {
            int code = exit.getAsInt();
            JobState state = job.cancelRequested() ? JobState.CANCELLED : code == 0 ? JobState.COMPLETED : JobState.FAILED;
            return new JournalEvent.Finished(job.id(), job.attempt(), state, code,
                    (code == 0 ? "" : "exit code " + code + "; ") + "ended while no scheduler ran");
        }
        String lost = job.pid() > 0
                ? "NodeFail: process " + job.pid() + " was gone when the scheduler restarted"
                : "NodeFail: the scheduler stopped before the start was confirmed and no process of it is left";
        if (job.cancelRequested()) {
            return new JournalEvent.Finished(job.id(), job.attempt(), JobState.CANCELLED, -1, lost);
        }
        if (job.attempt() < maxAttempts) {
            return new JournalEvent.Requeued(job.id(), job.attempt(), lost);
        }
        return new JournalEvent.Finished(job.id(), job.attempt(), JobState.FAILED, -1,
                lost + "; no attempts left (" + maxAttempts + ")");
    }
}
