package dev.labq.core.domain;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.labq.core.domain.JobState.*;

/**
 * The one table of state changes a job may make. Anything else is a bug or a stale request and throws
 * {@link IllegalJobStateChangeException}.
 *
 * <pre>
 *   HELD &lt;-&gt; PENDING -&gt; RUNNING -&gt; COMPLETED | FAILED | CANCELLED | TIMEOUT | PREEMPTED
 *   PENDING, HELD -&gt; CANCELLED          RUNNING, PREEMPTED -&gt; PENDING (requeued: a lost attempt waits again)
 *   FAILED, CANCELLED, TIMEOUT -&gt; PENDING (requeued by a user: {@code labq requeue})
 * </pre>
 * {@code REQUEUED} names the step, as Slurm's state does; the fold moves a requeued job to PENDING at once.
 */
public final class AllowedTransitions {
    private static final Map<JobState, Set<JobState>> ALLOWED = new EnumMap<>(JobState.class);

    static {
        ALLOWED.put(PENDING, EnumSet.of(HELD, RUNNING, CANCELLED));
        ALLOWED.put(HELD, EnumSet.of(PENDING, CANCELLED));
        ALLOWED.put(RUNNING, EnumSet.of(COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, REQUEUED, PENDING));
        ALLOWED.put(PREEMPTED, EnumSet.of(REQUEUED, PENDING, CANCELLED));
        ALLOWED.put(REQUEUED, EnumSet.of(PENDING, CANCELLED));
        ALLOWED.put(FAILED, EnumSet.of(PENDING));
        ALLOWED.put(CANCELLED, EnumSet.of(PENDING));
        ALLOWED.put(TIMEOUT, EnumSet.of(PENDING));
        for (JobState terminal : JobState.values()) {
            ALLOWED.putIfAbsent(terminal, EnumSet.noneOf(JobState.class));
        }
    }

    private AllowedTransitions() {
    }

    public static boolean isAllowed(JobState from, JobState to) {
        return ALLOWED.get(from).contains(to);
    }

    /** Throws unless {@code from -> to} is in the table. */
    public static void check(JobId job, JobState from, JobState to) {
        if (!isAllowed(from, to)) {
            throw new IllegalJobStateChangeException(job, from, to);
        }
    }
}
