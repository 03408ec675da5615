package dev.labq.core.policy.priority;

import dev.labq.core.policy.PolicyContext;
import dev.labq.core.state.JobStatus;

/**
 * A job's own priority key as a line in time: {@code at(t) = origin + perMilli * t}, right from the instant it
 * was computed until {@code validUntilMillis}, when the decision core asks the policy again. Age, which rises
 * at the same rate for every job, is such a line: jobs whose keys rise at one rate keep their order among
 * themselves, so the core re-orders nothing as time passes and only re-keys a job when its line ends (its age
 * reaches the cap, its deadline urgency is due for a refresh).
 *
 * @param origin           the key at time 0, so that jobs keyed at different instants compare exactly
 * @param perMilli         how much the key rises per millisecond (0: constant)
 * @param validUntilMillis when the line stops being right ({@link Long#MAX_VALUE}: never)
 */
public record KeyLine(double origin, double perMilli, long validUntilMillis) {

    /** A key that does not move until {@code validUntilMillis}. */
    public static KeyLine constant(double value, long validUntilMillis) {
        return new KeyLine(value, 0, validUntilMillis);
    }

    /** The key at {@code millis}; also what {@link PriorityPolicy#jobKey} returns, to the bit. */
    public double at(long millis) {
        return origin + perMilli * millis;
    }

    /**
     * When a key that moves in a way no line follows (deadline urgency) is next refreshed: within one
     * {@code priority.recomputeSeconds} of {@code context}'s time, at a phase of its own per job, so that the
     * refreshes of many jobs spread over the period instead of all falling on one decision.
     */
    public static long nextRefresh(JobStatus job, PolicyContext context) {
        long period = Math.max(1, context.config().priority().recomputeSeconds() * 1000L);
        long phase = Math.floorMod(job.id().value() * 0x9E3779B97F4A7C15L, period);
        long now = context.nowMillis();
        return now - Math.floorMod(now - phase, period) + period;
    }
}
