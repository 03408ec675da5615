package dev.labq.core.intake;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.UnknownJobException;

import java.util.function.Predicate;

/**
 * The checks a submission must pass against the configuration and the other jobs before it is journaled;
 * the checks of the spec alone are in {@link JobSpec}'s constructor.
 */
public final class SubmissionValidator {
    private final LabqConfig config;
    private final MachineInventory inventory;

    public SubmissionValidator(LabqConfig config, MachineInventory inventory) {
        this.config = config;
        this.inventory = inventory;
    }

    /**
     * The spec as it will be journaled (a missing project becomes the configured default), once it has
     * passed every check; throws the first failed check.
     */
    public JobSpec accept(JobSpec submitted, Predicate<JobId> jobExists) {
        JobSpec spec = submitted.project() == null ? submitted.inProject(config.scheduler().defaultProject()) : submitted;
        validate(spec, jobExists);
        return spec;
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
        if (r.gpuType() != null && !inventory.hasGpuType(r.gpuType())) {
            throw new InvalidInputException("gpu-type", r.gpuType(), "use one of the configured GPU types "
                    + inventory.gpus().stream().map(MachineInventory.GpuDevice::type).distinct().sorted().toList());
        }
        long gpus = inventory.gpuCount(r.gpuType());
        if (r.gpus() > gpus) {
            throw new InvalidInputException("gpus", r.gpus(), "this machine has " + gpus
                    + (r.gpuType() == null ? "" : " " + r.gpuType()) + " GPUs; ask for at most that");
        }
        for (JobId parent : spec.afterOk()) {
            if (!jobExists.test(parent)) {
                throw new UnknownJobException("dependency afterok", parent);
            }
        }
    }
}
