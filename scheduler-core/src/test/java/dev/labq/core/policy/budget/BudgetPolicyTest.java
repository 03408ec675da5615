package dev.labq.core.policy.budget;

import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.Fold;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetPolicyTest {
    private static final long T0 = 1_767_225_600_000L;

    private static LabqConfig config(Budget project, Budget user) {
        return new LabqConfig(new LabqConfig.Machine("8", "32G", List.of()),
                Map.of("lab", new LabqConfig.Project(10, 1.0, project,
                        user == null ? null : Map.of("ada", new LabqConfig.User(1.0, user)))),
                new LabqConfig.Settings(null, null, "lab"));
    }

    private static JobSpec job(int cpus, int gpus, Long limit) {
        return JobSpec.process("lab", "ada", "x").resources(new Resources(cpus, 1024, gpus, null)).timeLimitSeconds(limit).build();
    }

    private long index;

    private void run(Fold fold, JobSpec spec, long start, Long end) {
        JobId id = JobId.of(++index);
        fold.apply(++index, start, new JournalEvent.Submitted(id, spec));
        fold.apply(++index, start, new JournalEvent.Dispatched(id, 1,
                new Allocation(spec.resources().cpus(), spec.resources().memoryMb(), spec.resources().gpus() == 0 ? List.of() : List.of(0))));
        if (end != null) {
            fold.apply(++index, end, new JournalEvent.Finished(id, 1, JobState.COMPLETED, 0, null));
        }
    }

    @Test
    void capsCountWhatRunningJobsHoldForTheProjectAndTheUser() {
        LabqConfig config = config(Budget.caps(4, "2G", 1), Budget.caps(2, null, null));
        Fold fold = new Fold(new JobTable(), new UsageLedger(config));
        BudgetPolicy budgets = new BudgetPolicy(config);
        assertNull(budgets.admit(job(1, 1, null), fold.ledger(), T0));
        run(fold, job(1, 1, null), T0, null);
        assertEquals("BudgetCap(project=lab, gpus)", budgets.admit(job(1, 1, null), fold.ledger(), T0));
        assertNull(budgets.admit(job(1, 0, null), fold.ledger(), T0), "a job without GPUs is not held by a GPU cap");
        assertEquals("BudgetCap(user=ada@lab, cpus)", budgets.admit(job(2, 0, null), fold.ledger(), T0));
        assertEquals("BudgetCap(project=lab, memory)", budgets.admit(
                JobSpec.process("lab", "bob", "x").resources(new Resources(1, 1500, 0, null)).build(), fold.ledger(), T0));
    }

    @Test
    void aPlainAllowanceAdmitsWhileAnyIsLeft() {
        LabqConfig config = config(new Budget(null, null, null, 1.0, null, null, null, null), null);
        Fold fold = new Fold(new JobTable(), new UsageLedger(config));
        BudgetPolicy budgets = new BudgetPolicy(config);
        run(fold, job(1, 0, null), T0, T0 + 3_000_000);
        assertNull(budgets.admit(job(8, 0, 36_000L), fold.ledger(), T0 + 3_000_000), "600 CPU-s left: starts");
        run(fold, job(1, 0, null), T0, T0 + 600_000);
        assertEquals("BudgetAllowance(project=lab, cpuHours)", budgets.admit(job(1, 0, null), fold.ledger(), T0 + 3_600_000));
    }

    @Test
    void aStrictAllowanceReservesTimeLimitsOfRunningJobsAndTheNewOne() {
        // 19.8 CPU-seconds; jobs of 1 CPU and 10 s: one at a time, and the fourth never fits
        LabqConfig config = config(new Budget(null, null, null, 0.0055, null, null, null, true), null);
        Fold fold = new Fold(new JobTable(), new UsageLedger(config));
        BudgetPolicy budgets = new BudgetPolicy(config);
        assertNull(budgets.admit(job(1, 0, 10L), fold.ledger(), T0));
        run(fold, job(1, 0, 10L), T0, null);
        assertEquals("BudgetAllowance(project=lab, cpuHours)", budgets.admit(job(1, 0, 10L), fold.ledger(), T0 + 1000),
                "1 s used + 9 s reserved + 10 s asked > 19.8 s");
        fold.apply(++index, T0 + 4000, new JournalEvent.Finished(JobId.of(1), 1, JobState.COMPLETED, 0, null));
        assertNull(budgets.admit(job(1, 0, 10L), fold.ledger(), T0 + 4000), "4 s used + 10 s asked fits");
        run(fold, job(1, 0, 10L), T0 + 4000, T0 + 8000);
        run(fold, job(1, 0, 10L), T0 + 8000, T0 + 12_000);
        assertEquals("BudgetAllowance(project=lab, cpuHours)", budgets.admit(job(1, 0, 10L), fold.ledger(), T0 + 12_000));
        assertTrue(fold.ledger().periodUsage("lab", null, T0 + 12_000).cpuSeconds() <= 19.8);
    }

    @Test
    void aJobNoBudgetCanEverAdmitIsRefused() {
        LabqConfig config = config(new Budget(4, "2G", 1, 1.0, 2.0, null, null, true), Budget.caps(null, null, null));
        BudgetPolicy budgets = new BudgetPolicy(config);
        budgets.requireCanEverStart(job(1, 1, 600L));
        assertTrue(assertThrows(InvalidInputException.class, () -> budgets.requireCanEverStart(job(1, 2, 600L)))
                .getMessage().contains("projects.lab.budget.maxGpus is 1"));
        assertTrue(assertThrows(InvalidInputException.class, () -> budgets.requireCanEverStart(job(5, 0, 600L)))
                .getMessage().startsWith("invalid cpus=5"));
        assertTrue(assertThrows(InvalidInputException.class, () -> budgets.requireCanEverStart(
                JobSpec.process("lab", "ada", "x").resources(new Resources(1, 4096, 0, null)).timeLimitSeconds(60L).build()))
                .getMessage().startsWith("invalid mem=4096M"));
        assertTrue(assertThrows(InvalidInputException.class, () -> budgets.requireCanEverStart(job(1, 0, null)))
                .getMessage().contains("strict allowance: give the job a time limit"));
        assertTrue(assertThrows(InvalidInputException.class, () -> budgets.requireCanEverStart(job(2, 0, 3600L)))
                .getMessage().contains("cpuHours=1.0"));
        BudgetPolicy gpuHours = new BudgetPolicy(config(new Budget(null, null, null, null, 2.0, null, null, true), null));
        assertTrue(assertThrows(InvalidInputException.class, () -> gpuHours.requireCanEverStart(job(1, 1, 3 * 3600L)))
                .getMessage().contains("gpuHours=2.0"));
        gpuHours.requireCanEverStart(job(1, 0, null)); // no GPUs: the GPU allowance does not apply
        budgets.requireCanEverStart(JobSpec.process("elsewhere", "ada", "x").build()); // not a configured project
    }

    @Test
    void budgetValuesOutOfRangeAreRefusedNamingTheKey() {
        assertEquals("invalid maxCpus=-1: use 0 or more CPUs, or leave it out for no cap",
                assertThrows(InvalidInputException.class, () -> Budget.caps(-1, null, null)).getMessage());
        assertTrue(assertThrows(InvalidInputException.class, () -> Budget.caps(null, "lots", null)).getMessage().startsWith("invalid maxMemory=lots"));
        assertTrue(assertThrows(InvalidInputException.class, () -> Budget.caps(null, null, -2)).getMessage().startsWith("invalid maxGpus=-2"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new Budget(null, null, null, -1.0, null, null, null, null))
                .getMessage().startsWith("invalid cpuHours=-1.0"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new Budget(null, null, null, null, Double.NaN, null, null, null))
                .getMessage().startsWith("invalid gpuHours=NaN"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new Budget(null, null, null, 1.0, null, "fortnight", null, null))
                .getMessage().startsWith("invalid period=fortnight"));
        assertTrue(assertThrows(InvalidInputException.class, () -> new Budget(null, null, null, 1.0, null, "day", "tomorrow", null))
                .getMessage().startsWith("invalid periodStart=tomorrow"));
    }
}
