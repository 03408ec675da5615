package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.PrioritySettings;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultifactorPolicyTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;
    private static final MachineInventory MACHINE = new MachineInventory(8, 32_768, List.of(
            new MachineInventory.GpuDevice(0, "a100", 81_920), new MachineInventory.GpuDevice(1, "a100", 81_920)));
    private static final LabqConfig CONFIG = new LabqConfig(new LabqConfig.Machine("8", "32G", List.of()),
            Map.of("low", new LabqConfig.Project(10, 1.0, null, null), "high", new LabqConfig.Project(100, 3.0, null, null)),
            new LabqConfig.Settings(null, null, "low"),
            new PrioritySettings(new PrioritySettings.Weights(null, null, null, null, null, 100.0, null), null, null, null, null, null));

    private final MultifactorPolicy policy = new MultifactorPolicy();
    private final JobTable table = new JobTable();
    private final UsageLedger ledger = new UsageLedger(CONFIG);
    private long index;

    private PolicyContext at(long millis) {
        return new PolicyContext(millis, CONFIG, ledger, RuntimePredictor.timeLimit(), MACHINE);
    }

    private JobStatus submit(JobSpec spec, long atMillis) {
        JobId id = JobId.of(++index);
        table.apply(index, atMillis, new JournalEvent.Submitted(id, spec));
        return table.get(id);
    }

    private static JobSpec.Builder job(String project) {
        return JobSpec.process(project, "ada", "train").timeLimitSeconds(3600L);
    }

    private static double factor(Priority p, String name) {
        return p.factors().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void contributionsAddUpToThePriorityAndSplitIntoJobAndAccountKeys() {
        JobStatus j = submit(job("high").deadlineMillis(T0 + 2 * HOUR).nice(500).build(), T0);
        PolicyContext now = at(T0 + HOUR / 2);
        Priority p = policy.priority(j, now);
        double sum = p.factors().stream().mapToDouble(Priority.Factor::contribution).sum();
        assertEquals(sum, p.value(), 1e-9);
        assertEquals(p.value(), policy.jobKey(j, now) + policy.accountKey("high", "ada", now), 1e-9);
        for (Priority.Factor f : p.factors()) {
            assertTrue(f.value() >= 0 && f.value() <= 1, f.name() + "=" + f.value() + " is outside [0, 1]");
        }
        assertEquals(List.of("importance", "deadline", "age", "fairshare", "fairshareUser", "size", "nice"),
                p.factors().stream().map(Priority.Factor::name).toList());
        assertTrue(p.factors().get(6).contribution() < 0, "nice lowers the priority");
    }

    @Test
    void importanceIsRelativeToTheMostImportantProjectAndAJobsOwnOverrides() {
        assertEquals(0.1, factor(policy.priority(submit(job("low").build(), T0), at(T0)), "importance"), 1e-9);
        assertEquals(1.0, factor(policy.priority(submit(job("high").build(), T0), at(T0)), "importance"), 1e-9);
        assertEquals(0.5, factor(policy.priority(submit(job("low").importance(50).build(), T0), at(T0)), "importance"), 1e-9);
        assertEquals(1.0, factor(policy.priority(submit(job("low").importance(5000).build(), T0), at(T0)), "importance"), 1e-9);
    }

    @Test
    void deadlineUrgencyRisesAsSlackShrinksAndIsFullAtNoSlack() {
        JobStatus j = submit(job("low").deadlineMillis(T0 + 5 * HOUR).build(), T0); // 1 h limit: slack 4 h at T0
        double early = factor(policy.priority(j, at(T0)), "deadline");
        double later = factor(policy.priority(j, at(T0 + 3 * HOUR)), "deadline"); // slack 1 h = one half-life
        assertEquals(Math.pow(2, -4), early, 1e-9);
        assertEquals(0.5, later, 1e-9);
        assertEquals(1.0, factor(policy.priority(j, at(T0 + 4 * HOUR)), "deadline"), 1e-9);
        assertEquals(1.0, factor(policy.priority(j, at(T0 + 9 * HOUR)), "deadline"), 1e-9);
        assertEquals(0.0, factor(policy.priority(submit(job("low").build(), T0), at(T0)), "deadline"));
    }

    @Test
    void ageGrowsUntilItsCap() {
        JobStatus j = submit(job("low").build(), T0);
        assertEquals(0.0, factor(policy.priority(j, at(T0)), "age"));
        assertEquals(0.5, factor(policy.priority(j, at(T0 + 84 * HOUR)), "age"), 1e-9);
        assertEquals(1.0, factor(policy.priority(j, at(T0 + 1000 * HOUR)), "age"));
    }

    @Test
    void fairShareIsTwoToTheMinusUsageOverShare() {
        JobStatus low = submit(job("low").build(), T0);
        JobStatus high = submit(job("high").build(), T0);
        assertEquals(1.0, factor(policy.priority(low, at(T0)), "fairshare"), "nobody used anything yet");
        // high runs 1 GPU for an hour; low nothing: high's usage is all usage, its share 3/4
        JobStatus running = submit(job("high").resources(new Resources(1, 256, 1, null)).build(), T0);
        List<dev.labq.core.state.JobChange> changes = table.apply(++index, T0,
                new JournalEvent.Dispatched(running.id(), 1, new Allocation(1, 256, List.of(0))));
        ledger.apply(index, T0, null, changes);
        changes = table.apply(++index, T0 + HOUR, new JournalEvent.Finished(running.id(), 1,
                dev.labq.core.domain.JobState.COMPLETED, 0, null));
        ledger.apply(index, T0 + HOUR, null, changes);
        PolicyContext now = at(T0 + HOUR);
        assertEquals(Math.pow(2, -1 / 0.75), factor(policy.priority(high, now), "fairshare"), 1e-9);
        assertEquals(1.0, factor(policy.priority(low, now), "fairshare"), 1e-9);
        assertEquals(Math.pow(2, -1.0), factor(policy.priority(high, now), "fairshareUser"), 1e-9);
    }

    @Test
    void sizeFavoursSmallJobs() {
        JobStatus small = submit(job("low").resources(new Resources(1, 256, 0, null)).build(), T0);
        JobStatus big = submit(job("low").resources(new Resources(8, 256, 2, null)).build(), T0);
        assertEquals(1 - 1 / 8.0, factor(policy.priority(small, at(T0)), "size"), 1e-9);
        assertEquals(0.0, factor(policy.priority(big, at(T0)), "size"), 1e-9);
    }
}
