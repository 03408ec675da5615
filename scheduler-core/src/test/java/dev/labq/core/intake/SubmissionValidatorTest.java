package dev.labq.core.intake;

import dev.labq.core.LabqException;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.UnknownJobException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmissionValidatorTest {
    private static final LabqConfig CONFIG = new LabqConfig(null,
            Map.of("research", new LabqConfig.Project(50), "default", new LabqConfig.Project(10),
                    "thesis", new LabqConfig.Project(100)),
            null);
    /** 8 CPUs, 16 GiB, one a100 and two t4s. */
    private static final MachineInventory MACHINE = new MachineInventory(8, 16_384, List.of(
            new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "t4", 16_384), new GpuDevice(2, "t4", 16_384)));
    private static final Predicate<JobId> KNOWN = Set.of(JobId.of(1), JobId.of(2))::contains;

    private final SubmissionValidator validator = new SubmissionValidator(CONFIG, MACHINE);

    private static JobSpec asking(Resources r) {
        return JobSpec.process("research", "ada", "train").resources(r).build();
    }

    private InvalidInputException rejected(JobSpec spec) {
        return assertThrows(InvalidInputException.class, () -> validator.accept(spec, KNOWN));
    }

    @Test
    void acceptsWhatTheMachineAndTheJobsCanGive() {
        assertDoesNotThrow(() -> validator.accept(
                JobSpec.process("thesis", "ada", "train").resources(new Resources(8, 16_384, 2, "t4"))
                        .afterOk(JobId.of(1), JobId.of(2)).build(), KNOWN));
        assertDoesNotThrow(() -> validator.accept(asking(new Resources(1, 1, 3, null)), KNOWN));
    }

    @Test
    void projectLeftOutBecomesTheConfiguredDefault() {
        JobSpec accepted = validator.accept(JobSpec.process(null, "ada", "train").build(), KNOWN);
        assertEquals(CONFIG.scheduler().defaultProject(), accepted.project());
    }

    @Test
    void rejectsUnknownProjectListingTheConfiguredOnes() {
        InvalidInputException e = rejected(JobSpec.process("nope", "ada", "train").build());
        assertEquals("invalid project=nope: use one of the configured projects [default, research, thesis]"
                + " or add it to labq.yaml", e.getMessage());
    }

    @Test
    void rejectsTooManyCpusSayingHowManyThereAre() {
        InvalidInputException e = rejected(asking(new Resources(9, 1, 0, null)));
        assertEquals("invalid cpus=9: this machine has 8 CPUs; ask for at most that", e.getMessage());
    }

    @Test
    void rejectsTooMuchMemorySayingHowMuchThereIs() {
        InvalidInputException e = rejected(asking(new Resources(1, 16_385, 0, null)));
        assertEquals("invalid mem=16385M: this machine has 16384M; ask for at most that", e.getMessage());
    }

    @Test
    void rejectsUnknownGpuTypeListingTheConfiguredOnes() {
        InvalidInputException e = rejected(asking(new Resources(1, 1, 1, "h100")));
        assertEquals("invalid gpu-type=h100: use one of the configured GPU types [a100, t4]", e.getMessage());
    }

    @Test
    void rejectsTooManyGpus() {
        InvalidInputException e = rejected(asking(new Resources(1, 1, 4, null)));
        assertEquals("invalid gpus=4: this machine has 3 GPUs; ask for at most that", e.getMessage());
    }

    @Test
    void rejectsTooManyGpusOfTheRequestedType() {
        InvalidInputException e = rejected(asking(new Resources(1, 1, 2, "a100")));
        assertEquals("invalid gpus=2: this machine has 1 a100 GPUs; ask for at most that", e.getMessage());
    }

    @Test
    void rejectsUnknownDependencyNamingTheJob() {
        UnknownJobException e = assertThrows(UnknownJobException.class, () -> validator.accept(
                JobSpec.process("research", "ada", "train").afterOk(JobId.of(1), JobId.of(7)).build(), KNOWN));
        assertEquals("invalid dependency afterok=7: no such job in this home; list jobs with `labq stat`",
                e.getMessage());
        assertEquals(LabqException.Kind.UNKNOWN_JOB, e.kind());
    }

    @Test
    void checksTheProjectBeforeTheResources() {
        InvalidInputException e = rejected(JobSpec.process("nope", "ada", "x")
                .resources(new Resources(99, 1, 0, null)).build());
        assertTrue(e.getMessage().startsWith("invalid project=nope"), e.getMessage());
    }
}
