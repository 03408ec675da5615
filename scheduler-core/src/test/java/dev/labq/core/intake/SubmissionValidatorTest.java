package dev.labq.core.intake;

import dev.labq.core.LabqException;
import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.UnknownJobException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
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
    private static final long NOW = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

    private final SubmissionValidator validator = new SubmissionValidator(CONFIG, MACHINE);

    private static JobSpec asking(Resources r) {
        return JobSpec.process("research", "ada", "train").resources(r).build();
    }

    private InvalidInputException rejected(JobSpec spec) {
        return assertThrows(InvalidInputException.class, () -> validator.accept(spec, KNOWN, NOW));
    }

    @Test
    void acceptsWhatTheMachineAndTheJobsCanGive() {
        assertDoesNotThrow(() -> validator.accept(
                JobSpec.process("thesis", "ada", "train").resources(new Resources(8, 16_384, 2, "t4"))
                        .afterOk(JobId.of(1), JobId.of(2)).build(), KNOWN, NOW));
        assertDoesNotThrow(() -> validator.accept(asking(new Resources(1, 1, 3, null)), KNOWN, NOW));
    }

    @Test
    void projectLeftOutBecomesTheConfiguredDefault() {
        JobSpec accepted = validator.accept(JobSpec.process(null, "ada", "train").build(), KNOWN, NOW);
        assertEquals(CONFIG.scheduler().defaultProject(), accepted.project());
    }

    @Test
    void aSchedulerThatKeepsJobsOnFailedDependenciesRecordsItInTheJobsOwnSpecUnlessTheJobSays() {
        LabqConfig waiting = new LabqConfig(null, CONFIG.projects(),
                new LabqConfig.Settings(null, null, null, null, null, null, false, null, null), null);
        SubmissionValidator v = new SubmissionValidator(waiting, MACHINE);
        assertEquals(false, v.accept(JobSpec.process("research", "ada", "x").build(), KNOWN, NOW).killInvalidDependency());
        assertEquals(true, v.accept(JobSpec.process("research", "ada", "x").killInvalidDependency(true).build(), KNOWN, NOW)
                .killInvalidDependency(), "the job's own choice wins");
        assertEquals(null, validator.accept(JobSpec.process("research", "ada", "x").build(), KNOWN, NOW).killInvalidDependency(),
                "by default nothing is added: the job is cancelled");
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
                JobSpec.process("research", "ada", "train").afterOk(JobId.of(1), JobId.of(7)).build(), KNOWN, NOW));
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

    @Test
    void acceptsADeadlineInTheFuture() {
        assertDoesNotThrow(() -> validator.accept(JobSpec.process("research", "ada", "train")
                .deadlineMillis(NOW + 1).build(), KNOWN, NOW));
    }

    @Test
    void rejectsADeadlineThatHasPassed() {
        for (long deadline : new long[] {NOW, NOW - 3_600_000}) {
            InvalidInputException e = rejected(JobSpec.process("research", "ada", "train").deadlineMillis(deadline).build());
            assertTrue(e.getMessage().startsWith("invalid deadline=" + Instant.ofEpochMilli(deadline) + ": that is in the past"),
                    e.getMessage());
        }
    }

    @Test
    void rejectsAJobItsBudgetsCouldNeverLetStart() {
        LabqConfig capped = new LabqConfig(null, Map.of("default", new LabqConfig.Project(10, null,
                Budget.caps(4, null, null), Map.of("bob", new LabqConfig.User(null,
                        new Budget(null, null, null, 1.0, null, null, null, true))))), null);
        SubmissionValidator budgeted = new SubmissionValidator(capped, MACHINE);
        InvalidInputException cap = assertThrows(InvalidInputException.class, () -> budgeted.accept(
                JobSpec.process("default", "ada", "train").resources(new Resources(5, 1, 0, null)).build(), KNOWN, NOW));
        assertTrue(cap.getMessage().startsWith("invalid cpus=5: projects.default.budget.maxCpus is 4"), cap.getMessage());
        InvalidInputException noLimit = assertThrows(InvalidInputException.class, () -> budgeted.accept(
                JobSpec.process("default", "bob", "train").build(), KNOWN, NOW));
        assertTrue(noLimit.getMessage().contains("strict allowance"), noLimit.getMessage());
        InvalidInputException tooLong = assertThrows(InvalidInputException.class, () -> budgeted.accept(
                JobSpec.process("default", "bob", "train").timeLimitSeconds(3601L).build(), KNOWN, NOW));
        assertTrue(tooLong.getMessage().contains("projects.default.users.bob.budget.cpuHours=1.0"), tooLong.getMessage());
        assertDoesNotThrow(() -> budgeted.accept(JobSpec.process("default", "bob", "train").timeLimitSeconds(3600L).build(),
                KNOWN, NOW));
        assertDoesNotThrow(() -> budgeted.accept(JobSpec.process("default", "ada", "train")
                .resources(new Resources(4, 1, 0, null)).build(), KNOWN, NOW));
    }
}
