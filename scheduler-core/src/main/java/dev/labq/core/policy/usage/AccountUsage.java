package dev.labq.core.policy.usage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the usage view stores for a project ({@code user} null) or a user within a project.
 *
 * @param jobs             attempts that ended with the job (not requeued)
 * @param failed           of those, the ones that did not complete
 * @param cpuSeconds       all-time CPU-seconds of ended runs (run time x allocated CPUs)
 * @param gpuSeconds       all-time GPU-seconds of ended runs
 * @param decayed          decayed usage of ended runs (billing units) as of {@code decayedAtMillis}
 * @param periodStartMillis the budget period {@code periodCpuSeconds} and {@code periodGpuSeconds} belong to
 * @param importance       importance set by {@code labq project set}, overriding the configuration; or null
 * @param share            share set by {@code labq project set}; or null
 * @param lastIndex        the journal index of the last entry that changed it (makes the fold idempotent)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccountUsage(String project, String user, long jobs, long failed, double cpuSeconds, double gpuSeconds,
                           double decayed, long decayedAtMillis, long periodStartMillis, double periodCpuSeconds,
                           double periodGpuSeconds, Integer importance, Double share, long lastIndex) {

    static AccountUsage empty(String project, String user) {
        return new AccountUsage(project, user, 0, 0, 0, 0, 0, 0, Long.MIN_VALUE, 0, 0, null, null, -1);
    }

    /** The key in the usage view: {@code project:NAME} or {@code user:PROJECT/NAME}. */
    @JsonIgnore
    public String key() {
        return user == null ? UsageLedger.projectKey(project) : UsageLedger.userKey(project, user);
    }
}
