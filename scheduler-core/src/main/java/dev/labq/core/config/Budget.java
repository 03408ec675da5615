package dev.labq.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;

/**
 * What a project, or a user within it, may use: concurrent caps (like Slurm's GrpTRES) and cumulative
 * allowances per period (unlike Slurm's GrpTRESMins they do not decay; they reset when the period rolls
 * over). Every field is optional; a missing one does not limit.
 *
 * @param maxCpus     CPUs held at once by running jobs
 * @param maxMemory   memory held at once, a size such as {@code 64G}
 * @param maxGpus     GPUs held at once
 * @param cpuHours    CPU-hours per period (run time x allocated CPUs)
 * @param gpuHours    GPU-hours per period (run time x allocated GPUs)
 * @param period      {@code day}, {@code week}, {@code month} or {@code none} (the default: one allowance for all time)
 * @param periodStart when periods start, an ISO instant such as {@code 2026-12-01T00:00:00Z}; by default
 *                    midnight UTC, Monday for weeks, the 1st for months
 * @param strict      start a job only if its time limit x resources fits what remains of the allowance after
 *                    the time limits of the running jobs are reserved; otherwise (the default) a job starts
 *                    while any allowance remains
 */
public record Budget(Integer maxCpus, String maxMemory, Integer maxGpus, Double cpuHours, Double gpuHours,
                     String period, String periodStart, Boolean strict) {

    public Budget {
        if (maxCpus != null && maxCpus < 0) {
            throw new InvalidInputException("maxCpus", maxCpus, "use 0 or more CPUs, or leave it out for no cap");
        }
        if (maxGpus != null && maxGpus < 0) {
            throw new InvalidInputException("maxGpus", maxGpus, "use 0 or more GPUs, or leave it out for no cap");
        }
        if (maxMemory != null) {
            try {
                Resources.parseMemoryMb(maxMemory);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("maxMemory", maxMemory, "use a size such as 64G, or leave it out for no cap");
            }
        }
        checkHours("cpuHours", cpuHours);
        checkHours("gpuHours", gpuHours);
        period = period == null ? "none" : period;
        strict = strict != null && strict;
        BudgetPeriod.of(period, periodStart); // validates both
    }

    private static void checkHours(String field, Double hours) {
        if (hours != null && (!(hours >= 0) || Double.isInfinite(hours))) {
            throw new InvalidInputException(field, hours, "use 0 or more hours, or leave it out for no allowance");
        }
    }

    /** Only caps, no allowance. */
    public static Budget caps(Integer maxCpus, String maxMemory, Integer maxGpus) {
        return new Budget(maxCpus, maxMemory, maxGpus, null, null, null, null, null);
    }

    @JsonIgnore
    public Long maxMemoryMb() {
        return maxMemory == null ? null : Resources.parseMemoryMb(maxMemory);
    }

    @JsonIgnore
    public BudgetPeriod periods() {
        return BudgetPeriod.of(period, periodStart);
    }

    @JsonIgnore
    public boolean hasAllowance() {
        return cpuHours != null || gpuHours != null;
    }
}
