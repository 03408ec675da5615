package dev.labq.core.decision;

import dev.labq.core.domain.JobId;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.state.JobStatus;

import java.util.List;

/**
 * Why a job is where it is: what {@code labq explain} and {@code labq prio} show.
 *
 * @param policy              the policy that computed the priority ({@code name@version})
 * @param priority            its priority and factors; {@code null} unless pending or held
 * @param reason              why it is not running (Priority, Resources, Budget..., Dependency, Held...), or
 *                            how it runs or ended
 * @param ahead               ready jobs that come before it, first first (at most as many as asked for)
 * @param aheadCount          how many ready jobs come before it (its rank in {@code prio})
 * @param estimatedStartMillis when it should start by the reservation plan; when it started if running;
 *                            {@code null} when unknown (held back by a budget, waiting on a dependency, or
 *                            behind a job without a time limit)
 * @param budget              the budgets of its project and user as of now
 * @param placement           for a pending job, why what it asks for does not fit on the machine now (what is
 *                            short, which devices are out of service), or {@code null} when it would fit
 */
public record Explanation(JobStatus job, String policy, Priority priority, String reason, List<JobId> ahead, long aheadCount,
                          Long estimatedStartMillis, BudgetState budget, String placement) {

    public Explanation(JobStatus job, String policy, Priority priority, String reason, List<JobId> ahead, long aheadCount,
                       Long estimatedStartMillis, BudgetState budget) {
        this(job, policy, priority, reason, ahead, aheadCount, estimatedStartMillis, budget, null);
    }
}
