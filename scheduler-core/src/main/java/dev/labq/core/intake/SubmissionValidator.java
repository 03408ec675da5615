package dev.labq.core.intake;

import dev.labq.core.LabqException;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.Alteration;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.budget.BudgetPolicy;
import dev.labq.core.state.JobStatus;

import java.time.Instant;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.UnknownJobException;

import java.util.List;
import java.util.function.Predicate;

/**
 * The checks a command must pass against the configuration and the state before it is journaled: a
 * submission, an alteration of a job, a change of a project. The checks of a value alone are in its
 * record's constructor ({@link JobSpec}, {@link Alteration}).
 */
public final class SubmissionValidator {
    private final LabqConfig config;
    private final MachineInventory inventory;
    private final BudgetPolicy budgets;

    public SubmissionValidator(LabqConfig config, MachineInventory inventory) {
        this.config = config;
        this.inventory = inventory;
        this.budgets = new BudgetPolicy(config);
    }

    /**
     * The spec as it will be journaled (a missing project becomes the configured default), once it has
     * passed every check at {@code nowMillis}; throws the first failed check.
     */
    public JobSpec accept(JobSpec submitted, Predicate<JobId> jobExists, long nowMillis) {
        JobSpec spec = submitted.project() == null ? submitted.inProject(config.scheduler().defaultProject()) : submitted;
        validate(spec, jobExists);
        LabqConfig.Retry defaults = config.projects().get(spec.project()).retry();
        if (defaults != null) {
            spec = spec.withRetryDefaults(defaults.retries(), defaults.policy());
        }
        if (!config.scheduler().killInvalidDependency()) { // journaled with the job, so a replay decides alike
            spec = spec.withKillInvalidDependencyDefault(false);
        }
        requireFuture(spec.deadlineMillis(), nowMillis);
        budgets.requireCanEverStart(spec);
        return spec;
    }

    /** Throws unless {@code job} may be changed by {@code change} at {@code nowMillis}. */
    public void acceptAlteration(JobStatus job, Alteration change, long nowMillis) {
        if (job.isTerminal()) {
            throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "job=" + job.id() + " is " + job.state()
                    + ": only a job that has not ended can be altered; submit it again instead");
        }
        requireFuture(change.deadlineMillis(), nowMillis);
        budgets.requireCanEverStart(job.spec().altered(change));
    }

    private static void requireFuture(Long deadlineMillis, long nowMillis) {
        if (deadlineMillis != null && deadlineMillis <= nowMillis) {
            throw new InvalidInputException("deadline", Instant.ofEpochMilli(deadlineMillis),
                    "that is in the past (now " + Instant.ofEpochMilli(nowMillis) + "); give a later time, such as +2h");
        }
    }

    /** Throws unless {@code set} names a configured project and sets something valid. */
    public void acceptProjectSet(JournalEvent.ProjectSet set) {
        if (!config.projects().containsKey(set.project())) {
            throw new InvalidInputException("project", set.project(), "use one of the configured projects "
                    + config.projects().keySet().stream().sorted().toList() + "; add new ones to labq.yaml");
        }
        if (set.importance() == null && set.share() == null) {
            throw new InvalidInputException("project set", set.project(), "give --importance N or --share S");
        }
        if (set.user() != null && set.importance() != null) {
            throw new InvalidInputException("importance", set.importance(),
                    "importance belongs to a project; with --user set only --share");
        }
        if (set.user() != null && set.user().isBlank()) {
            throw new InvalidInputException("user", "''", "name a user, or leave --user out to change the project");
        }
        if (set.importance() != null && (set.importance() < 0 || set.importance() > JobSpec.MAX_IMPORTANCE)) {
            throw new InvalidInputException("importance", set.importance(), "use a whole number from 0 to " + JobSpec.MAX_IMPORTANCE);
        }
        if (set.share() != null && (!(set.share() >= 0) || set.share() > 1_000_000)) {
            throw new InvalidInputException("share", set.share(), "use a number from 0 to 1000000");
        }
    }

    private void validate(JobSpec spec, Predicate<JobId> jobExists) {
        if (!config.projects().containsKey(spec.project())) {
            throw new InvalidInputException("project", spec.project(),
                    "use one of the configured projects " + config.projects().keySet().stream().sorted().toList()
                            + " or add it to labq.yaml");
        }
        Resources r = spec.resources();
        if (r.cpus() > inventory.cpus()) {
            throw new InvalidInputException("cpus", r.cpus(), "this machine has " + inventory.cpus() + " CPUs; ask for at most that");
        }
        if (r.memoryMb() > inventory.memoryMb()) {
            throw new InvalidInputException("mem", r.memoryMb() + "M", "this machine has " + inventory.memoryMb() + "M; ask for at most that");
        }
        for (String type : r.gpuTypes()) {
            if (!inventory.hasGpuType(type)) {
                throw new InvalidInputException("gpu-type", type, "use one of the configured GPU types "
                        + inventory.gpus().stream().map(MachineInventory.GpuDevice::type).distinct().sorted().toList());
            }
        }
        if (r.gpuMemoryMb() != null) {
            long largest = inventory.gpus().stream().filter(g -> r.acceptsGpu(g.type(), Long.MAX_VALUE))
                    .mapToLong(MachineInventory.GpuDevice::memoryMb).max().orElse(0);
            if (r.gpuMemoryMb() > largest) {
                throw new InvalidInputException("gpu-mem", r.gpuMemoryMb() + "M", "the largest"
                        + (r.gpuType() == null ? "" : " " + r.gpuType()) + " GPU here has " + largest + "M; ask for at most that");
            }
        }
        long gpus = inventory.gpus().stream().filter(g -> r.acceptsGpu(g.type(), g.memoryMb())).count();
        if (r.gpus() > gpus) {
            throw new InvalidInputException("gpus", r.gpus(), "this machine has " + gpus
                    + (r.gpuType() == null ? "" : " " + r.gpuType()) + " GPUs"
                    + (r.gpuMemoryMb() == null ? "" : " with " + r.gpuMemoryMb() + "M or more") + "; ask for at most that");
        }
        for (List<JobId> parents : List.of(spec.afterOk(), spec.afterOkTasks())) {
            for (JobId parent : parents) {
                if (!jobExists.test(parent)) {
                    throw new UnknownJobException("dependency afterok", parent);
                }
            }
        }
    }
}
