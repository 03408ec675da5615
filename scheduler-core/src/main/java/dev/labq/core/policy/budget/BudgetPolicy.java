package dev.labq.core.policy.budget;

import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.usage.UsageLedger;

/**
 * Budgets of projects and of users within them: whether a job may start now, given what its project and user
 * hold and have used. Called on the decision thread; no I/O.
 *
 * <p>Caps: at no instant do a project's (or user's) running jobs hold more CPUs, memory or GPUs than its cap.
 *
 * <p>Allowances (CPU-hours, GPU-hours per period): by default a job starts while the account's usage in the
 * period, counting running jobs up to now, is below the allowance; so usage can pass the allowance only by
 * what the jobs running at the moment it is reached use after it, at most their remaining time limits (none
 * for a job without one). With {@code strict: true} a job starts only if the period's usage, plus what the
 * running jobs may still use up to their time limits, plus this job's time limit x its resources fits the
 * allowance; then usage never passes it (a strict allowance needs a time limit on every job).
 *
 * <p>A GPU-hour allowance applies to jobs that ask for GPUs; a CPU-hour one to every job.
 */
public final class BudgetPolicy {
    private final LabqConfig config;

    public BudgetPolicy(LabqConfig config) {
        this.config = config;
    }

    /** {@code null} when the budgets let {@code spec} start now; otherwise the reason, starting with {@code Budget}. */
    public String admit(JobSpec spec, UsageLedger ledger, long nowMillis) {
        LabqConfig.Project project = config.projects().get(spec.project());
        if (project == null) {
            return null;
        }
        String why = check(project.budget(), spec, ledger, spec.project(), null, nowMillis);
        if (why != null) {
            return why;
        }
        return check(project.user(spec.user()).budget(), spec, ledger, spec.project(), spec.user(), nowMillis);
    }

    /** Whether the project or the user within it has a budget at all: if not, {@link #admit} admits every job. */
    public boolean hasBudget(String project, String user) {
        LabqConfig.Project p = config.projects().get(project);
        return p != null && (p.budget() != null || p.user(user).budget() != null);
    }

    /**
     * Whether {@link #admit} weighs a job's time limit for this account (a strict allowance of the project or
     * the user); otherwise it depends only on the account and the resources asked for.
     */
    public boolean weighsTimeLimits(String project, String user) {
        LabqConfig.Project p = config.projects().get(project);
        return p != null && (strictAllowance(p.budget()) || strictAllowance(p.user(user).budget()));
    }

    private static boolean strictAllowance(Budget budget) {
        return budget != null && budget.strict() && budget.hasAllowance();
    }

    /** The account as reasons name it: {@code project=P} or {@code user=U@P}; built only for a reason given. */
    private static String who(String project, String user) {
        return user == null ? "project=" + project : "user=" + user + "@" + project;
    }

    private static String check(Budget budget, JobSpec spec, UsageLedger ledger, String project, String user,
                                long nowMillis) {
        if (budget == null) {
            return null;
        }
        Resources r = spec.resources();
        UsageLedger.Held held = ledger.held(project, user);
        if (budget.maxCpus() != null && held.cpus() + r.cpus() > budget.maxCpus()) {
            return "BudgetCap(" + who(project, user) + ", cpus)";
        }
        if (budget.maxMemoryMb() != null && held.memoryMb() + r.memoryMb() > budget.maxMemoryMb()) {
            return "BudgetCap(" + who(project, user) + ", memory)";
        }
        if (budget.maxGpus() != null && r.gpus() > 0 && held.gpus() + r.gpuCount() > budget.maxGpus() + 1e-9) {
            return "BudgetCap(" + who(project, user) + ", gpus)";
        }
        if (!budget.hasAllowance()) {
            return null;
        }
        UsageLedger.PeriodUsage used = ledger.periodUsage(project, user, nowMillis);
        if (budget.cpuHours() != null && !fits(budget.cpuHours(), used.cpuSeconds(), used.reservedCpuSeconds(),
                r.cpus(), spec.timeLimitSeconds(), budget.strict())) {
            return "BudgetAllowance(" + who(project, user) + ", cpuHours)";
        }
        if (budget.gpuHours() != null && r.gpus() > 0 && !fits(budget.gpuHours(), used.gpuSeconds(),
                used.reservedGpuSeconds(), r.gpuCount(), spec.timeLimitSeconds(), budget.strict())) {
            return "BudgetAllowance(" + who(project, user) + ", gpuHours)";
        }
        return null;
    }

    private static boolean fits(double allowanceHours, double usedSeconds, double reservedSeconds, double units,
                                Long limitSeconds, boolean strict) {
        double allowance = allowanceHours * 3600;
        if (!strict) {
            return usedSeconds < allowance;
        }
        if (limitSeconds == null) {
            return false;
        }
        // A hair of slack for the rounding of seconds summed as doubles: 1 ms per unit.
        return usedSeconds + reservedSeconds + (double) limitSeconds * units <= allowance + 1e-3 * units;
    }

    /**
     * Throws for a job no budget could ever let start: more than a cap, or (strict allowances) no time limit or
     * a time limit x resources above the whole allowance. Checked at submit, so such a job is refused.
     */
    public void requireCanEverStart(JobSpec spec) {
        LabqConfig.Project project = config.projects().get(spec.project());
        if (project == null) {
            return;
        }
        requireFits(project.budget(), "projects." + spec.project() + ".budget", spec);
        requireFits(project.user(spec.user()).budget(), "projects." + spec.project() + ".users." + spec.user() + ".budget", spec);
    }

    private static void requireFits(Budget budget, String key, JobSpec spec) {
        if (budget == null) {
            return;
        }
        Resources r = spec.resources();
        if (budget.maxCpus() != null && r.cpus() > budget.maxCpus()) {
            throw new InvalidInputException("cpus", r.cpus(), key + ".maxCpus is " + budget.maxCpus() + "; ask for at most that");
        }
        if (budget.maxMemoryMb() != null && r.memoryMb() > budget.maxMemoryMb()) {
            throw new InvalidInputException("mem", r.memoryMb() + "M", key + ".maxMemory is " + budget.maxMemory() + "; ask for at most that");
        }
        if (budget.maxGpus() != null && r.gpus() > budget.maxGpus()) {
            throw new InvalidInputException("gpus", r.gpus(), key + ".maxGpus is " + budget.maxGpus() + "; ask for at most that");
        }
        if (!budget.strict()) {
            return;
        }
        if ((budget.cpuHours() != null || budget.gpuHours() != null && r.gpus() > 0) && spec.timeLimitSeconds() == null) {
            throw new InvalidInputException("time", "(none)", key + " is a strict allowance: give the job a time limit with -t");
        }
        if (budget.cpuHours() != null && spec.timeLimitSeconds() * r.cpus() > budget.cpuHours() * 3600 + 1e-3 * r.cpus()) {
            throw new InvalidInputException("time", spec.timeLimitSeconds() + "s", "x " + r.cpus() + " CPUs is more than "
                    + key + ".cpuHours=" + budget.cpuHours() + "; ask for less time or fewer CPUs");
        }
        if (budget.gpuHours() != null && r.gpus() > 0
                && spec.timeLimitSeconds() * r.gpuCount() > budget.gpuHours() * 3600 + 1e-3 * r.gpuCount()) {
            throw new InvalidInputException("time", spec.timeLimitSeconds() + "s", "x " + Resources.gpuText(r.gpuCount()) + " GPUs is more than "
                    + key + ".gpuHours=" + budget.gpuHours() + "; ask for less time or fewer GPUs");
        }
    }
}
