package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * EASY backfill: what starts behind a waiting head, and that nothing delays the head's reserved start. Under
 * labq's first, lexicographic policy (importance first), so which job is the head is plain.
 */
class BackfillTest {
    private static final LabqConfig CONFIG = config(LabqConfig.Settings.BACKFILL_EASY);
    /** 4 CPUs, 8 GiB, an a100 and a t4. */
    private static final MachineInventory MACHINE = new MachineInventory(4, 8192, List.of(
            new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "t4", 16_384)));

    private final ImportanceDeadlineAgePolicy policy = new ImportanceDeadlineAgePolicy();
    private DecisionCore core = backfilling(new JobTable());
    private long index;
    private long nowMillis;

    private static LabqConfig config(String backfill) {
        return new LabqConfig(
                new LabqConfig.Machine("4", "8G", List.of()),
                Map.of("low", new LabqConfig.Project(1), "high", new LabqConfig.Project(100)),
                new LabqConfig.Settings(null, null, "low", null, backfill,
                        LabqConfig.Settings.POLICY_IMPORTANCE_DEADLINE_AGE));
    }

    private DecisionCore core(LabqConfig config, JobTable table) {
        return new DecisionCore(config, table, new UsageLedger(config), new ResourcePool(MACHINE), policy,
                RuntimePredictor.timeLimit());
    }

    /** A backfilling core over {@code table} (a new scheduler run over the same fold, when it has jobs). */
    private DecisionCore backfilling(JobTable table) {
        return core(CONFIG, table);
    }

    private static JobSpec job(String project, Resources resources, Long limitSeconds) {
        return JobSpec.process(project, "ada", "train").resources(resources).timeLimitSeconds(limitSeconds).build();
    }

    private static Resources cpus(int n) {
        return new Resources(n, 1024, 0, null);
    }

    private void apply(JournalEvent event) {
        core.apply(++index, nowMillis, event);
    }

    private void submit(long id, String project, Resources resources, Long limitSeconds) {
        apply(new Submitted(JobId.of(id), job(project, resources, limitSeconds)));
    }

    /** Decides at the current time and journals the decisions; returns the ids started. */
    private List<Long> decide() {
        List<Dispatched> decisions = core.decide(nowMillis);
        decisions.forEach(this::apply);
        return decisions.stream().map(d -> d.job().value()).toList();
    }

    private void finish(long id) {
        apply(new Finished(JobId.of(id), 1, JobState.COMPLETED, 0, "Completed"));
    }

    private JobState state(long id) {
        return core.table().get(JobId.of(id)).state();
    }

    @Test
    void shortJobStartsBehindWaitingHeadWhenItEndsBeforeTheHeadsReservedStart() {
        submit(1, "low", cpus(3), 100L);
        assertEquals(List.of(1L), decide());
        submit(2, "high", cpus(4), 60L); // head: waits until job 1's limit, t=100 s
        submit(3, "low", cpus(1), 50L);  // ends at 50 s: cannot delay the head
        submit(4, "low", cpus(1), 200L); // would hold a CPU the head needs at 100 s
        assertEquals(List.of(3L), decide());
        assertEquals("Resources", core.pendingReason(core.table().get(JobId.of(2))));
        assertEquals("Priority", core.pendingReason(core.table().get(JobId.of(4))));
    }

    @Test
    void jobThatFitsBesideTheHeadAtItsReservedStartMayRunLonger() {
        submit(1, "low", cpus(3), 100L);
        decide();
        submit(2, "high", cpus(2), 60L); // at 100 s it takes 2 of 4 CPUs, leaving 2 beside it
        submit(3, "low", cpus(1), null); // no limit, but fits beside the head
        assertEquals(List.of(3L), decide());
        submit(4, "low", new Resources(1, 1024, 0, null), null); // would be the third CPU at 100 s
        assertEquals(List.of(), decide());
        nowMillis = 100_000;
        finish(1);
        assertEquals(List.of(2L, 4L), decide(), "the head starts at its reserved time, then what fits beside it");
    }

    @Test
    void headWaitingOnJobWithoutLimitLetsOnlyLimitedJobsBackfill() {
        submit(1, "low", cpus(3), null); // may never end: the head has no reserved time
        decide();
        submit(2, "high", cpus(4), null);
        submit(3, "low", cpus(1), null);
        submit(4, "low", cpus(1), 30L);
        assertEquals(List.of(4L), decide());
        assertEquals(JobState.PENDING, state(3));
    }

    @Test
    void withoutBackfillNothingPassesTheHead() {
        core = core(config(LabqConfig.Settings.BACKFILL_NONE), new JobTable());
        submit(1, "low", cpus(3), 100L);
        decide();
        submit(2, "high", cpus(4), 60L);
        submit(3, "low", cpus(1), 10L);
        assertEquals(List.of(), decide());
    }

    @Test
    void backfillLooksAtTheWholeQueue() {
        submit(1, "low", cpus(3), 100L);
        decide();
        submit(2, "high", cpus(4), 60L);
        for (long id = 3; id < 603; id++) { // 600 jobs, each of its own shape, that would delay the head
            submit(id, "low", new Resources(1, 1024 + (int) id, 0, null), 500L);
        }
        submit(603, "low", cpus(1), 10L); // the last in the queue, and the only one that cannot delay the head
        assertEquals(List.of(603L), decide());
        assertEquals("Resources", core.pendingReason(core.table().get(JobId.of(2))));
    }

    @Test
    void backfillStartsTheHighestPriorityJobThatCannotDelayTheHead() {
        submit(1, "low", cpus(3), 100L);
        decide();
        submit(2, "high", cpus(4), 60L);
        submit(3, "low", cpus(1), 50L);
        apply(new Submitted(JobId.of(4), JobSpec.process("low", "ada", "train").resources(cpus(1))
                .timeLimitSeconds(40L).importance(50).build())); // behind the head, ahead of job 3
        assertEquals(List.of(4L), decide(), "one CPU is free: the more important of the two takes it");
        assertEquals(JobState.PENDING, state(3));
    }

    @Test
    void dispatchRecordsWhetherTheJobStartedByBackfill() {
        submit(1, "low", cpus(3), 100L);
        List<Dispatched> first = core.decide(nowMillis);
        first.forEach(this::apply);
        assertFalse(first.get(0).decidedBy().backfilled(), "the first in order");
        submit(2, "high", cpus(4), 60L);
        submit(3, "low", cpus(1), 50L);
        List<Dispatched> behind = core.decide(nowMillis);
        assertEquals(1, behind.size());
        assertTrue(behind.get(0).decidedBy().backfilled(), "started past the waiting head");
    }

    @Test
    void gpuOfAnotherTypeThanTheHeadWantsIsLeftBesideIt() {
        submit(1, "low", new Resources(1, 1024, 1, "a100"), 100L);
        decide();
        submit(2, "high", new Resources(1, 1024, 1, "a100"), 60L);
        submit(3, "low", new Resources(1, 1024, 1, null), null); // any GPU: only the t4 is left beside the head
        assertEquals(List.of(3L), decide());
        assertEquals(List.of(1), core.table().get(JobId.of(3)).allocation().gpuIds());
    }

    @Test
    void untypedGpuRequestOfTheHeadTakesDevicesOfAnyTypeFromWhatItLeaves() {
        submit(1, "low", new Resources(1, 1024, 1, "a100"), 100L);
        decide();
        submit(2, "high", new Resources(1, 1024, 2, null), 60L); // both GPUs at 100 s
        submit(3, "low", new Resources(1, 1024, 1, "t4"), null); // the t4 is free now, but not beside the head
        submit(4, "low", cpus(1), null);                          // CPUs are left beside it
        assertEquals(List.of(4L), decide());
        assertEquals(JobState.PENDING, state(3));
    }

    @Test
    void reservationAfterRestartUsesRunningJobsLimitsFromTheJournal() {
        submit(1, "low", cpus(3), 100L);
        decide();
        submit(2, "high", cpus(4), 60L);
        submit(3, "low", cpus(1), 50L);
        submit(4, "low", cpus(1), 200L);
        core = backfilling(core.table()); // a new scheduler run over the same fold
        nowMillis = 20_000;
        assertEquals(List.of(3L), decide(), "job 3 ends at 70 s, before job 1's limit at 100 s; job 4 would not");
    }

    @Test
    void voidedDispatchLeavesThePlan() {
        submit(1, "low", cpus(3), 100L);
        core.decide(nowMillis); // in flight, then cancelled before its dispatch is journaled
        apply(new JournalEvent.CancelRequested(JobId.of(1)));
        apply(new Dispatched(JobId.of(1), 1, new dev.labq.core.domain.Allocation(3, 1024, List.of())));
        submit(2, "low", cpus(4), null);
        assertEquals(List.of(2L), decide(), "the voided job's CPUs are free again");
    }

    @Test
    void backfillSettingIsValidated() {
        assertTrue(new LabqConfig.Settings(null, null, null).backfills(), "easy by default");
        assertEquals(LabqConfig.Settings.BACKFILL_EASY, new LabqConfig.Settings(null, null, null).backfill());
        assertFalse(new LabqConfig.Settings(null, null, null, null, "none", null).backfills());
        assertThrows(dev.labq.core.domain.InvalidInputException.class,
                () -> new LabqConfig.Settings(null, null, null, null, "conservative", null));
        assertThrows(dev.labq.core.domain.InvalidInputException.class,
                () -> new LabqConfig.Settings(null, null, null, null, null, "fifo"));
    }
}
