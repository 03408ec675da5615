package dev.labq.core.policy.usage;

import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.Fold;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageLedgerTest {
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    /** 2026-01-01T00:00:00Z, a Thursday. */
    private static final long T0 = 1_767_225_600_000L;
    private static final LabqConfig CONFIG = new LabqConfig(new LabqConfig.Machine("8", "32G", List.of()),
            Map.of("lab", new LabqConfig.Project(10, 1.0,
                    new Budget(null, null, 2, 10.0, 4.0, "day", null, null), null)),
            new LabqConfig.Settings(null, null, "lab"));

    private final Fold fold = new Fold(new JobTable(), new UsageLedger(CONFIG));
    private long index;
    private long next = 1;

    private UsageLedger ledger() {
        return fold.ledger();
    }

    private void apply(long at, JournalEvent event) {
        fold.apply(++index, at, event);
    }

    private JobId run(String user, int cpus, int gpus, long start, Long end) {
        JobId id = JobId.of(next++);
        List<Integer> ids = gpus == 0 ? List.of() : gpus == 1 ? List.of(0) : List.of(0, 1);
        apply(start, new JournalEvent.Submitted(id, JobSpec.process("lab", user, "x")
                .resources(new Resources(cpus, 256, gpus, null)).timeLimitSeconds(4 * 3600L).build()));
        apply(start, new JournalEvent.Dispatched(id, 1, new Allocation(cpus, 256, ids)));
        if (end != null) {
            apply(end, new JournalEvent.Finished(id, 1, JobState.COMPLETED, 0, null));
        }
        return id;
    }

    @Test
    void chargesRunTimeTimesResourcesToTheProjectAndTheUser() {
        run("ada", 2, 1, T0, T0 + HOUR);
        AccountUsage project = ledger().accounts().stream().filter(a -> a.user() == null).findFirst().orElseThrow();
        assertEquals(7200.0, project.cpuSeconds(), 1e-9);
        assertEquals(3600.0, project.gpuSeconds(), 1e-9);
        assertEquals(1, project.jobs());
        UsageLedger.PeriodUsage user = ledger().periodUsage("lab", "ada", T0 + HOUR);
        assertEquals(7200.0, user.cpuSeconds(), 1e-9);
        assertEquals(UsageLedger.Held.NONE, ledger().held("lab", null));
    }

    @Test
    void runningJobsCountAsTheyRunAndHoldTheirAllocation() {
        run("ada", 4, 2, T0, null);
        assertEquals(new UsageLedger.Held(4, 256, 2), ledger().held("lab", null));
        assertEquals(new UsageLedger.Held(4, 256, 2), ledger().held("lab", "ada"));
        UsageLedger.PeriodUsage p = ledger().periodUsage("lab", null, T0 + HOUR);
        assertEquals(4 * 3600.0, p.cpuSeconds(), 1e-9);
        assertEquals(2 * 3 * 3600.0, p.reservedGpuSeconds(), 1e-9, "3 hours of its 4 h limit left, on 2 GPUs");
        double halfLife = CONFIG.priority().usageHalfLifeHours() * 3600;
        double billed = 4 * CONFIG.priority().billing().cpu() + 2 * CONFIG.priority().billing().gpu();
        double expected = billed * halfLife / Math.log(2) * (1 - Math.pow(2, -3600 / halfLife));
        assertEquals(expected, ledger().decayedUsage("lab", null, T0 + HOUR), 1e-6);
    }

    @Test
    void decayedUsageHalvesEveryHalfLife() {
        run("ada", 1, 0, T0, T0 + HOUR);
        double atEnd = ledger().decayedUsage("lab", null, T0 + HOUR);
        long halfLife = (long) (CONFIG.priority().usageHalfLifeHours() * HOUR);
        assertEquals(atEnd / 2, ledger().decayedUsage("lab", null, T0 + HOUR + halfLife), 1e-9);
        assertEquals(0.0, ledger().decayedUsage("nobody", null, T0));
    }

    @Test
    void periodUsageResetsWhenThePeriodRollsOverAndSplitsARunAcrossIt() {
        run("ada", 1, 0, T0 + DAY - HOUR, T0 + DAY + HOUR); // 1 h before midnight, 1 h after
        assertEquals(3600.0, ledger().periodUsage("lab", null, T0 + DAY + HOUR).cpuSeconds(), 1e-9);
        assertEquals(0.0, ledger().periodUsage("lab", null, T0 + 2 * DAY).cpuSeconds(), 1e-9);
        UsageLedger.PeriodUsage p = ledger().periodUsage("lab", null, T0 + 2 * DAY);
        assertEquals(T0 + 2 * DAY, p.startMillis());
        assertEquals(T0 + 3 * DAY, p.endMillis());
    }

    @Test
    void aRequeuedAttemptIsChargedButNotCountedAsAJob() {
        JobId id = run("ada", 1, 0, T0, null);
        apply(T0 + HOUR, new JournalEvent.Requeued(id, 1, "NodeFail"));
        AccountUsage project = ledger().accounts().stream().filter(a -> a.user() == null).findFirst().orElseThrow();
        assertEquals(3600.0, project.cpuSeconds(), 1e-9);
        assertEquals(0, project.jobs());
        assertEquals(UsageLedger.Held.NONE, ledger().held("lab", null));
    }

    @Test
    void projectSetOverridesImportanceAndSharesAndIsAppliedOnce() {
        apply(T0, new JournalEvent.ProjectSet("lab", null, 77, 2.5));
        apply(T0, new JournalEvent.ProjectSet("lab", "ada", null, 4.0));
        assertEquals(77, ledger().importanceOverride("lab"));
        assertEquals(2.5, ledger().shareOverride("lab", null));
        assertEquals(4.0, ledger().shareOverride("lab", "ada"));
        assertNull(ledger().shareOverride("lab", "bob"));
        assertEquals(List.of("ada"), ledger().usersOf("lab"));
        ledger().apply(1, T0, new JournalEvent.ProjectSet("lab", null, 1, null), List.of()); // already applied index
        assertEquals(77, ledger().importanceOverride("lab"));
        assertEquals(2, ledger().drainChanged().size());
        assertTrue(ledger().drainChanged().isEmpty());
    }

    @Test
    void aTentativeHoldIsReplacedByTheFoldedDispatchOrDropped() {
        JobId id = JobId.of(50);
        JobSpec spec = JobSpec.process("lab", "ada", "x").resources(new Resources(3, 256, 0, null)).build();
        ledger().holdTentatively(id, spec, new Allocation(3, 256, List.of()), T0);
        assertEquals(3, ledger().held("lab", null).cpus());
        ledger().releaseTentative(id);
        assertEquals(0, ledger().held("lab", null).cpus());
        long version = ledger().version();
        ledger().releaseTentative(id);
        assertEquals(version, ledger().version(), "nothing to release");
    }

    @Test
    void restoredLedgerEqualsTheFoldItWasSavedFrom() {
        run("ada", 2, 1, T0, T0 + HOUR);
        run("bob", 1, 0, T0, null);
        UsageLedger restored = new UsageLedger(CONFIG);
        ledger().accounts().forEach(restored::restore);
        fold.table().all().forEach(restored::restoreRunning);
        long at = T0 + 2 * HOUR;
        assertEquals(ledger().decayedUsage("lab", null, at), restored.decayedUsage("lab", null, at));
        assertEquals(ledger().periodUsage("lab", "bob", at), restored.periodUsage("lab", "bob", at));
        assertEquals(ledger().held("lab", null), restored.held("lab", null));
    }
}
