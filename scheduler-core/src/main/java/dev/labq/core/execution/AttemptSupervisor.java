package dev.labq.core.execution;

import dev.labq.core.domain.CheckpointRef;
import dev.labq.core.domain.CheckpointRequest;
import dev.labq.core.domain.JobState;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.time.Clock;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Watches over running attempts: starts an attempt once its dispatch is folded, sends TERM on a cancel or
 * when the time limit passes, and KILL when the grace period after that is over.
 *
 * <p>Assumptions and guarantees: used by the decision thread only. An attempt is started only after its
 * {@code Dispatched} entry is folded and in the views; while replaying (before recovery) dispatches beyond
 * what the views had folded are remembered and started by {@code RestartRecovery}, never here, and while
 * rebuilding views nothing starts at all.
 */
public final class AttemptSupervisor {
    private final JobExecutor executor;
    private final Clock clock;
    private final long killGraceMillis;
    private final boolean rebuilding;
    private final Map<Long, JobStatus> running = new HashMap<>();
    private final Set<String> launchedHere = new HashSet<>();
    private final Set<Long> timedOut = new HashSet<>();
    private final Map<Long, Long> killAt = new HashMap<>();
    /** When each running attempt that asked for checkpoints ({@code --checkpoint-every}) was last asked. */
    private final Map<Long, Long> checkpointAskedAt = new HashMap<>();
    /** Attempts whose dispatch this run folded while replaying: never forked, so started once caught up. */
    private final Set<Long> startAfterReplay = new HashSet<>();

    public AttemptSupervisor(JobExecutor executor, Clock clock, long killGraceMillis, boolean rebuilding,
                             Collection<JobStatus> jobs) {
        this.executor = executor;
        this.clock = clock;
        this.killGraceMillis = killGraceMillis;
        this.rebuilding = rebuilding;
        for (JobStatus job : jobs) {
            if (job.state() == JobState.RUNNING) {
                running.put(job.id().value(), job);
            }
        }
    }

    /** Follows one folded change; {@code recovered}: the replay is over and effects are on. */
    public void follow(JobChange change, boolean recovered) {
        JobStatus before = change.before();
        JobStatus after = change.after();
        long id = after.id().value();
        boolean wasRunning = before != null && before.state() == JobState.RUNNING;
        if (after.state() == JobState.RUNNING) {
            running.put(id, after);
            if (!wasRunning) {
                if (recovered) {
                    launch(after);
                } else if (!rebuilding) {
                    // Beyond what the views had folded, so never forked; but a crash may have left other
                    // attempts running, so nothing starts before recovery has seen them all.
                    startAfterReplay.add(id);
                }
            }
            if (after.cancelRequested() && (before == null || !before.cancelRequested()) && recovered) {
                terminate(after, JobExecutor.EndCause.CANCELLED);
            }
        } else if (wasRunning) {
            if (recovered && after.state() == JobState.PENDING) {
                executor.kill(after.id(), before.attempt()); // requeued while its process may live (its GPU failed)
            }
            startAfterReplay.remove(id);
            running.remove(id);
            killAt.remove(id);
            timedOut.remove(id);
            checkpointAskedAt.remove(id);
        }
        if (recovered && after.state() == JobState.COMPLETED && (before == null || before.state() != JobState.COMPLETED)) {
            executor.completed(after); // not in a replay: a job completed then may have been requeued since
        }
    }

    /** Starts an attempt. */
    public void launch(JobStatus job) {
        launchedHere.add(attemptKey(job));
        executor.start(new Launch(job.id(), job.attempt(), job.spec(), job.allocation()));
    }

    /** TERM now, KILL after the grace period. */
    public void terminate(JobStatus job, JobExecutor.EndCause cause) {
        executor.terminate(job.id(), job.attempt(), cause);
        killAt.putIfAbsent(job.id().value(), clock.millis() + killGraceMillis);
    }

    /** TERM for attempts past their time limit (as it is now: {@code labq alter --time} moves it), KILL when due. */
    public void enforceTimeLimits() {
        long now = clock.millis();
        for (JobStatus job : running.values()) {
            Long limit = job.spec().timeLimitSeconds();
            long id = job.id().value();
            if (limit != null && job.startMillis() != null && !timedOut.contains(id)
                    && now >= job.startMillis() + limit * 1000) {
                timedOut.add(id);
                terminate(job, JobExecutor.EndCause.TIMEOUT);
            }
        }
        killAt.entrySet().removeIf(due -> {
            if (now < due.getValue()) {
                return false;
            }
            JobStatus job = running.get(due.getKey());
            if (job != null) {
                executor.kill(job.id(), job.attempt());
            }
            return true;
        });
    }

    /**
     * Asks each running attempt whose job wants checkpoints on an interval for one, by its signal, once the
     * interval has passed since it started, last committed a checkpoint, or was last asked.
     */
    public void requestCheckpoints() {
        long now = clock.millis();
        for (JobStatus job : running.values()) {
            CheckpointRequest wish = job.spec().checkpointRequest();
            if (wish == null || job.startMillis() == null || job.cancelRequested() || killAt.containsKey(job.id().value())) {
                continue;
            }
            long since = job.startMillis();
            CheckpointRef last = job.lastCheckpoint();
            if (last != null && last.attempt() == job.attempt()) {
                since = Math.max(since, last.createdMillis());
            }
            since = Math.max(since, checkpointAskedAt.getOrDefault(job.id().value(), Long.MIN_VALUE));
            if (now - since >= wish.everySeconds() * 1000) {
                checkpointAskedAt.put(job.id().value(), now);
                executor.requestCheckpoint(job.id(), job.attempt(), wish.signal());
            }
        }
    }

    /** The attempts the journal says are running. */
    public Collection<JobStatus> running() {
        return running.values();
    }

    public boolean idle() {
        return running.isEmpty();
    }

    /** Whether this scheduler run started the job's current attempt. */
    public boolean launchedHere(JobStatus job) {
        return launchedHere.contains(attemptKey(job));
    }

    /** Whether the job's attempt was dispatched during the replay and waits for recovery to start it. */
    public boolean awaitsStart(JobStatus job) {
        return startAfterReplay.contains(job.id().value());
    }

    /** Recovery is done: from now on dispatches start as they are folded. */
    public void recovered() {
        startAfterReplay.clear();
    }

    private static String attemptKey(JobStatus job) {
        return job.id().value() + "#" + job.attempt();
    }
}
