package dev.labq.core.decision;

/**
 * One line of {@code labq shares} (like {@code sshare -l}): a project ({@code user} null) or a user within one.
 *
 * @param share           the share as configured, or as set with {@code labq project set}
 * @param normalizedShare the share over its siblings' (all projects, or the project's users)
 * @param usage           decayed usage in billing units
 * @param normalizedUsage the usage over its siblings'
 * @param fairshare       the fair-share factor {@code 2^(-normalizedUsage/normalizedShare)}
 * @param importance      the project's importance (for a user line, its project's)
 * @param budget          its budget, what it holds and what it used this period
 */
public record ShareRow(String project, String user, double share, double normalizedShare, double usage,
                       double normalizedUsage, double fairshare, int importance, BudgetState.Account budget) {
}
