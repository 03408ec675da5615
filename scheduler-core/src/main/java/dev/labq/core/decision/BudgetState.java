package dev.labq.core.decision;

import dev.labq.core.config.Budget;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.policy.usage.UsageLedger;

/** The budgets a job is under, its project's and its user's, with what they hold and used this period. */
public record BudgetState(Account project, Account user) {

    /**
     * One account's budget.
     *
     * @param budget      as configured, or {@code null} for none
     * @param held        CPUs, memory and GPUs its running jobs hold
     * @param period      CPU- and GPU-seconds used in the current period (running jobs so far included)
     */
    public record Account(String name, Budget budget, UsageLedger.Held held, UsageLedger.PeriodUsage period) {
    }

    static BudgetState of(JobSpec spec, UsageLedger ledger, long nowMillis) {
        return new BudgetState(account(spec.project(), null, ledger, nowMillis),
                account(spec.project(), spec.user(), ledger, nowMillis));
    }

    static Account account(String project, String user, UsageLedger ledger, long nowMillis) {
        return new Account(user == null ? project : user + "@" + project, ledger.budgetOf(project, user),
                ledger.held(project, user), ledger.periodUsage(project, user, nowMillis));
    }
}
