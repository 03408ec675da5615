package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.CancelRequested;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Held;
import dev.labq.core.event.JournalEvent.Released;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decision core under strict priority (backfill off) and labq's first, lexicographic policy
 * (importance, then deadline, then age), so the order of starts is easy to read.
 */
class DecisionCoreTest {
    private static final LabqConfig CONFIG = new LabqConfig(
            new LabqConfig.Machine("4", "8G", List.of()),
            Map.of("low", new LabqConfig.Project(1), "high", new LabqConfig.Project(100)),
            new LabqConfig.Settings(null, null, "low", null, LabqConfig.Settings.BACKFILL_NONE,
                    LabqConfig.Settings.POLICY_IMPORTANCE_DEADLINE_AGE));
    /** 4 CPUs, 8 GiB, an a100 and a t4. */
    private static final MachineInventory MACHINE = new MachineInventory(4, 8192, List.of(
            new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "t4", 16_384)));

    private static final JobId J1 = JobId.of(1);
    private static final JobId J2 = JobId.of(2);
    private static final JobId J3 = JobId.of(3);

    private final ImportanceDeadlineAgePolicy policy = new ImportanceDeadlineAgePolicy();
    private DecisionCore core = core(new JobTable());
    private long index;

    private DecisionCore core(JobTable table) {
        return new DecisionCore(CONFIG, table, new UsageLedger(CONFIG), new ResourcePool(MACHINE), policy,
                RuntimePredictor.timeLimit());
    }

    /** What a decision starts: job, attempt and allocation, without the record of why. */
    private static List<Dispatched> started(List<Dispatched> decisions) {
        return decisions.stream().map(d -> new Dispatched(d.job(), d.attempt(), d.allocation())).toList();
    }

    private static JobSpec job(String project, int cpus, JobId... afterOk) {
        return JobSpec.process(project, "ada", "train").resources(new Resources(cpus, 1024, 0, null))
                .afterOk(afterOk).build();
    }

    private List<JobChange> apply(JournalEvent event) {
        index++;
        return core.apply(index, index * 1000, event);
    }

    /** Decides and journals every decision, as the decision stage does. */
    private List<Dispatched> decideAndJournal() {
        List<Dispatched> decisions = core.decide(0);
        decisions.forEach(this::apply);
        return decisions;
    }

    private JobStatus status(JobId id) {
        return core.table().get(id);
    }

    private String reason(JobId id) {
        return core.pendingReason(status(id));
    }

    @Test
    void submittedJobIsReadyAndDecidedAsItsFirstAttempt() {
        apply(new Submitted(J1, JobSpec.process("low", "ada", "train")
                .resources(new Resources(2, 1024, 1, null)).build()));
        assertEquals(1, core.readyCount());
        assertEquals("Priority", reason(J1));
        List<Dispatched> decisions = core.decide(0);
        assertEquals(List.of(new Dispatched(J1, 1, new Allocation(2, 1024, List.of(1)))), started(decisions));
    }

    @Test
    void decisionRecordsThePolicyAndThePriorityThatChoseIt() {
        apply(new Submitted(J1, job("high", 1)));
        DecidedBy by = core.decide(0).get(0).decidedBy();
        assertEquals(new DecidedBy("importance-deadline-age@1", 100, Map.of("importance", 100.0), false), by);
    }

    @Test
    void decisionReservesAtOnceAndIsInFlightUntilJournaled() {
        apply(new Submitted(J1, job("low", 3)));
        core.decide(0);
        assertTrue(core.isInFlight(J1));
        assertEquals(0, core.readyCount());
        assertEquals(1, core.pool().freeCpus());
        assertEquals(7168, core.pool().freeMemoryMb());
        assertEquals("Dispatching", reason(J1));
        assertTrue(core.decide(0).isEmpty(), "an in-flight job is not decided twice");
    }

    @Test
    void journaledDispatchConfirmsReservationWithoutTakingItTwice() {
        apply(new Submitted(J1, job("low", 3)));
        Dispatched d = core.decide(0).get(0);
        List<JobChange> changes = apply(d);
        assertEquals(1, changes.size());
        assertEquals(JobState.RUNNING, status(J1).state());
        assertFalse(core.isInFlight(J1));
        assertEquals(1, core.pool().freeCpus());
        assertEquals(7168, core.pool().freeMemoryMb());
    }

    @Test
    void finishReleasesResources() {
        apply(new Submitted(J1, job("low", 3)));
        decideAndJournal();
        apply(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(4, core.pool().freeCpus());
        assertEquals(8192, core.pool().freeMemoryMb());
        assertEquals(0, core.readyCount());
    }

    @Test
    void cancelOfRunningJobKeepsResourcesUntilItFinishes() {
        apply(new Submitted(J1, job("low", 3)));
        decideAndJournal();
        apply(new CancelRequested(J1));
        assertEquals(1, core.pool().freeCpus());
        assertEquals("CancelRequested", reason(J1));
        apply(new Finished(J1, 1, JobState.CANCELLED, -1, "Cancelled by user"));
        assertEquals(4, core.pool().freeCpus());
    }

    @Test
    void higherImportanceRunsFirst() {
        apply(new Submitted(J1, job("low", 1)));
        apply(new Submitted(J2, job("high", 1)));
        apply(new Submitted(J3, JobSpec.process("low", "ada", "x").importance(50).build()));
        assertEquals(List.of(J2, J3, J1), core.decide(0).stream().map(Dispatched::job).toList());
    }

    @Test
    void olderSubmissionRunsFirstAtEqualPriority() {
        apply(new Submitted(J2, job("low", 1)));
        apply(new Submitted(J1, job("low", 1)));
        assertEquals(List.of(J2, J1), core.decide(0).stream().map(Dispatched::job).toList());
    }

    @Test
    void strictPriorityDoesNotStartLowerJobWhileHeadWaits() {
        apply(new Submitted(J1, job("low", 1)));
        decideAndJournal(); // J1 runs on 1 of 4 CPUs
        apply(new Submitted(J2, job("high", 4)));
        apply(new Submitted(J3, job("low", 1)));
        assertTrue(core.decide(0).isEmpty(), "J3 would fit, but J2 is ahead of it");
        assertEquals("Resources", reason(J2));
        assertEquals("Priority", reason(J3));
        assertEquals(2, core.readyCount());
        assertEquals(3, core.pool().freeCpus());
    }

    @Test
    void waitingHeadStartsOnceResourcesFreeThenTheRestFollow() {
        apply(new Submitted(J1, job("low", 1)));
        decideAndJournal();
        apply(new Submitted(J2, job("high", 4)));
        apply(new Submitted(J3, job("low", 1)));
        core.decide(0);
        apply(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(List.of(new Dispatched(J2, 1, new Allocation(4, 1024, List.of()))), started(decideAndJournal()));
        assertEquals("Resources", reason(J3));
        apply(new Finished(J2, 1, JobState.COMPLETED, 0, null));
        assertEquals(J3, decideAndJournal().get(0).job());
    }

    @Test
    void dispatchForCancelledJobIsVoidedAndReleasesResources() {
        apply(new Submitted(J1, JobSpec.process("low", "ada", "x").resources(new Resources(2, 2048, 1, "a100")).build()));
        Dispatched d = core.decide(0).get(0);
        apply(new CancelRequested(J1)); // journaled before the dispatch
        assertEquals(JobState.CANCELLED, status(J1).state());
        assertEquals(2, core.pool().freeCpus(), "still reserved until the dispatch comes back");
        assertTrue(apply(d).isEmpty());
        assertFalse(core.isInFlight(J1));
        assertEquals(4, core.pool().freeCpus());
        assertEquals(8192, core.pool().freeMemoryMb());
        assertEquals(2, core.pool().freeGpus());
        assertEquals(0, core.readyCount());
        assertEquals("Cancelled by user", reason(J1));
    }

    @Test
    void dispatchForJobHeldMeanwhileIsVoidedAndJobRunsAgainAfterRelease() {
        apply(new Submitted(J1, job("low", 2)));
        Dispatched d = core.decide(0).get(0);
        apply(new Held(J1));
        assertEquals("Held", reason(J1));
        assertTrue(apply(d).isEmpty());
        assertEquals(4, core.pool().freeCpus());
        assertEquals(0, core.readyCount());
        apply(new Released(J1));
        assertEquals(1, core.readyCount());
        assertEquals(List.of(new Dispatched(J1, 1, new Allocation(2, 1024, List.of()))), started(decideAndJournal()));
        assertEquals(JobState.RUNNING, status(J1).state());
        assertEquals(2, core.pool().freeCpus());
    }

    @Test
    void jobHeldAndReleasedWhileInFlightRunsOnceWithOneReservation() {
        apply(new Submitted(J1, job("low", 2)));
        Dispatched d = core.decide(0).get(0);
        apply(new Held(J1));
        apply(new Released(J1));
        assertEquals(0, core.readyCount(), "still in flight");
        assertTrue(core.decide(0).isEmpty());
        apply(d);
        assertEquals(JobState.RUNNING, status(J1).state());
        assertEquals(2, core.pool().freeCpus());
    }

    @Test
    void duplicateDispatchEntryChangesNothingAndKeepsReservation() {
        apply(new Submitted(J1, job("low", 2)));
        Dispatched d = core.decide(0).get(0);
        apply(d);
        long at = index;
        assertTrue(core.apply(at, at * 1000, d).isEmpty());
        assertEquals(JobState.RUNNING, status(J1).state());
        assertEquals(2, core.pool().freeCpus());
    }

    @Test
    void dispatchFromAnEarlierSchedulerRunReservesResources() {
        apply(new Submitted(J1, job("low", 2)));
        apply(new Dispatched(J1, 1, new Allocation(2, 1024, List.of(0))));
        assertEquals(JobState.RUNNING, status(J1).state());
        assertEquals(2, core.pool().freeCpus());
        assertEquals(1, core.pool().freeGpus());
        assertEquals(0, core.readyCount());
    }

    @Test
    void heldSubmissionIsNotReady() {
        apply(new Submitted(J1, JobSpec.process("low", "ada", "x").hold(true).build()));
        assertEquals(0, core.readyCount());
        assertEquals("Held", reason(J1));
        assertTrue(core.decide(0).isEmpty());
    }

    @Test
    void dependentWaitsThenBecomesReadyWhenParentCompletes() {
        apply(new Submitted(J1, job("low", 1)));
        apply(new Submitted(J2, job("high", 1, J1)));
        assertEquals("Dependency", reason(J2));
        assertEquals(List.of(J1), decideAndJournal().stream().map(Dispatched::job).toList());
        apply(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(1, core.readyCount());
        assertEquals("Priority", reason(J2));
        assertEquals(List.of(J2), decideAndJournal().stream().map(Dispatched::job).toList());
    }

    @Test
    void failedParentCancelsDependentsAndTheyLeaveTheReadyIndex() {
        apply(new Submitted(J1, job("low", 1)));
        apply(new Submitted(J2, job("low", 1, J1)));
        decideAndJournal();
        List<JobChange> changes = apply(new Finished(J1, 1, JobState.FAILED, 1, "NonZeroExitCode"));
        assertEquals(2, changes.size());
        assertEquals(JobState.CANCELLED, status(J2).state());
        assertEquals(0, core.readyCount());
        assertTrue(core.decide(0).isEmpty());
        assertEquals(4, core.pool().freeCpus());
    }

    @Test
    void pendingReasonOfEndedJobIsHowItEnded() {
        apply(new Submitted(J1, job("low", 1)));
        decideAndJournal();
        assertNull(reason(J1));
        apply(new Finished(J1, 1, JobState.FAILED, 2, "NonZeroExitCode"));
        assertEquals("NonZeroExitCode", reason(J1));
    }

    @Test
    void restoreOfRunningJobsReservesTheirResources() {
        JobTable table = new JobTable();
        JobSpec gpuSpec = JobSpec.process("low", "ada", "x").resources(new Resources(1, 1024, 1, "a100")).build();
        table.restore(new JobStatus(J1, gpuSpec, JobState.RUNNING, 1, 2L, null, 1, 4242, 3, null, null,
                new Allocation(1, 1024, List.of(0)), false, 10));
        table.restore(new JobStatus(J2, JobSpec.process("high", "ada", "x").resources(new Resources(1, 1024, 1, "a100")).build(),
                JobState.PENDING, 4, null, null, 0, 0, 0, null, null, null, false, 11));
        table.restore(new JobStatus(J3, job("low", 1), JobState.COMPLETED, 5, 6L, 7L, 1, 1, 1, 0, null,
                null, false, 12));
        core = core(table);
        index = 12;

        assertEquals(3, core.pool().freeCpus());
        assertEquals(7168, core.pool().freeMemoryMb());
        assertEquals(1, core.pool().freeGpus());
        assertEquals(1, core.readyCount());
        assertTrue(core.decide(0).isEmpty(), "the only a100 is held by the restored job");
        assertEquals("Resources", reason(J2));

        apply(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(4, core.pool().freeCpus());
        assertEquals(List.of(new Dispatched(J2, 1, new Allocation(1, 1024, List.of(0)))), started(core.decide(0)));
    }

    @Test
    void restoredPendingJobWithUnfinishedParentIsNotReady() {
        JobTable table = new JobTable();
        table.restore(new JobStatus(J1, job("low", 1), JobState.HELD, 1, null, null, 0, 0, 0, null, "Held",
                null, false, 1));
        table.restore(new JobStatus(J2, job("low", 1, J1), JobState.PENDING, 2, null, null, 0, 0, 0, null, null,
                null, false, 2));
        core = core(table);
        assertEquals(0, core.readyCount());
        assertEquals("Dependency", reason(J2));
        assertEquals("Held", reason(J1));
    }

    @Test
    void restoredRunningJobWithoutAllocationReservesNothing() {
        JobTable table = new JobTable();
        table.restore(new JobStatus(J1, job("low", 1), JobState.RUNNING, 1, 1L, null, 1, 0, 0, null, null,
                null, false, 1));
        core = core(table);
        assertEquals(4, core.pool().freeCpus());
    }
}
