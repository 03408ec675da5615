package dev.labq.core.policy.priority;

import dev.labq.core.state.JobStatus;

import java.util.Comparator;

/**
 * Orders pending jobs: the first in {@link #order()} is the next to start. Later policies (multifactor with
 * fair share) replace the first one behind this interface.
 *
 * <p>The order of two pending jobs must not change while both stay pending, unless the decision stage is
 * told to re-sort; implementations read only the job's spec, submission time and id.
 */
public interface PriorityPolicy {

    /** A total order: ties are broken by job id so the decision is deterministic. */
    Comparator<JobStatus> order();

    /** One line saying why {@code job} sits where it does (for `labq stat` and explanations). */
    String explain(JobStatus job);
}
