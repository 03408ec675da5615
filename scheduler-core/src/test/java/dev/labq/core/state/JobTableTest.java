package dev.labq.core.state;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.CancelRequested;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Held;
import dev.labq.core.event.JournalEvent.Released;
import dev.labq.core.event.JournalEvent.SchedulerStarted;
import dev.labq.core.event.JournalEvent.SchedulerStopped;
import dev.labq.core.event.JournalEvent.Started;
import dev.labq.core.event.JournalEvent.Submitted;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobTableTest {
    private static final JobId J1 = JobId.of(1);
    private static final JobId J2 = JobId.of(2);
    private static final JobId J3 = JobId.of(3);
    private static final Allocation ALLOC = new Allocation(2, 1024, List.of(0));

    private final JobTable table = new JobTable();
    private long index;

    private static JobSpec spec(JobId... afterOk) {
        return JobSpec.process("research", "ada", "train").afterOk(afterOk).build();
    }

    /** Applies {@code event} at the next journal index, with the index (x1000) as its timestamp. */
    private List<JobChange> next(JournalEvent event) {
        index++;
        return table.apply(index, index * 1000, event);
    }

    private JobState state(JobId id) {
        return table.get(id).state();
    }

    private void runJob(JobId id) {
        next(new Submitted(id, spec()));
        next(new Dispatched(id, 1, ALLOC));
    }

    // --- Submitted ---

    @Test
    void submissionCreatesPendingJob() {
        List<JobChange> changes = next(new Submitted(J1, spec()));
        assertEquals(1, changes.size());
        JobChange c = changes.get(0);
        assertNull(c.before());
        assertTrue(c.stateChanged());
        JobStatus job = c.after();
        assertSame(job, table.get(J1));
        assertEquals(JobState.PENDING, job.state());
        assertEquals(1000, job.submitMillis());
        assertEquals(1, job.lastIndex());
        assertEquals(0, job.attempt());
        assertNull(job.reason());
        assertNull(job.allocation());
        assertNull(job.startMillis());
        assertFalse(job.isTerminal());
    }

    @Test
    void heldSubmissionStartsHeld() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").hold(true).build()));
        assertEquals(JobState.HELD, state(J1));
        assertEquals("Held", table.get(J1).reason());
    }

    @Test
    void secondSubmissionOfSameIdChangesNothing() {
        next(new Submitted(J1, spec()));
        JobStatus first = table.get(J1);
        assertTrue(next(new Submitted(J1, JobSpec.process("other", "bob", "x").build())).isEmpty());
        assertSame(first, table.get(J1));
        assertEquals(1, table.size());
    }

    @Test
    void submissionAfterUnknownJobIsCancelledAtOnce() {
        List<JobChange> changes = next(new Submitted(J2, spec(J1)));
        assertEquals(2, changes.size());
        assertEquals(JobState.PENDING, changes.get(0).after().state());
        assertEquals(JobState.CANCELLED, changes.get(1).after().state());
        JobStatus job = table.get(J2);
        assertEquals(JobState.CANCELLED, job.state());
        assertEquals("DependencyNeverSatisfied: job 1 is unknown", job.reason());
        assertEquals(1000, job.endMillis());
        assertNull(job.exitCode());
    }

    @Test
    void submissionAfterFailedJobIsCancelledAtOnce() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.FAILED, 3, "NonZeroExitCode"));
        next(new Submitted(J2, spec(J1)));
        assertEquals(JobState.CANCELLED, state(J2));
        assertEquals("DependencyNeverSatisfied: job 1 ended FAILED", table.get(J2).reason());
    }

    @Test
    void submissionAfterCompletedJobIsReady() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        next(new Submitted(J2, spec(J1)));
        assertEquals(JobState.PENDING, state(J2));
        assertTrue(table.dependenciesMet(table.get(J2)));
    }

    @Test
    void submissionAfterLiveJobWaits() {
        next(new Submitted(J1, spec()));
        next(new Submitted(J2, spec(J1)));
        assertEquals(JobState.PENDING, state(J2));
        assertFalse(table.dependenciesMet(table.get(J2)));
        assertEquals(List.of(J2), table.dependentsOf(J1));
        assertEquals(List.of(), table.dependentsOf(J2));
    }

    @Test
    void dependenciesMetNeedsEveryParentCompleted() {
        runJob(J1);
        next(new Submitted(J2, spec()));
        next(new Submitted(J3, spec(J1, J2)));
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertFalse(table.dependenciesMet(table.get(J3)));
        next(new Dispatched(J2, 1, ALLOC));
        next(new Finished(J2, 1, JobState.COMPLETED, 0, null));
        assertTrue(table.dependenciesMet(table.get(J3)));
    }

    // --- entries that do not apply ---

    @Test
    void entriesForUnknownJobChangeNothing() {
        assertTrue(next(new Held(J1)).isEmpty());
        assertTrue(next(new Released(J1)).isEmpty());
        assertTrue(next(new CancelRequested(J1)).isEmpty());
        assertTrue(next(new Dispatched(J1, 1, ALLOC)).isEmpty());
        assertTrue(next(new Started(J1, 1, 10, 10)).isEmpty());
        assertTrue(next(new Finished(J1, 1, JobState.COMPLETED, 0, null)).isEmpty());
        assertEquals(0, table.size());
    }

    @Test
    void schedulerEntriesChangeNoJob() {
        next(new Submitted(J1, spec()));
        assertTrue(next(new SchedulerStarted(77)).isEmpty());
        assertTrue(next(new SchedulerStopped(77)).isEmpty());
        assertEquals(1, table.get(J1).lastIndex());
    }

    @Test
    void entryAtOrBelowLastIndexIsSkipped() {
        table.apply(5, 5000, new Submitted(J1, spec()));
        assertTrue(table.apply(5, 5000, new Held(J1)).isEmpty());
        assertTrue(table.apply(4, 4000, new Held(J1)).isEmpty());
        assertEquals(JobState.PENDING, state(J1));
        assertEquals(1, table.apply(6, 6000, new Held(J1)).size());
        assertEquals(JobState.HELD, state(J1));
    }

    @Test
    void applyingSameEntryTwiceChangesNothing() {
        table.apply(1, 1000, new Submitted(J1, spec()));
        table.apply(2, 2000, new Dispatched(J1, 1, ALLOC));
        JobStatus running = table.get(J1);
        assertTrue(table.apply(2, 2000, new Dispatched(J1, 1, ALLOC)).isEmpty());
        assertSame(running, table.get(J1));
    }

    @Test
    void replayingTheWholeTailAgainLeavesTheSameTable() {
        List<JournalEvent> tail = List.of(
                new Submitted(J1, spec()),
                new Submitted(J2, spec(J1)),
                new Submitted(J3, spec()),
                new Dispatched(J1, 1, ALLOC),
                new Started(J1, 1, 4242, 99),
                new Held(J3),
                new Finished(J1, 1, JobState.COMPLETED, 0, null),
                new Released(J3),
                new CancelRequested(J3));
        for (int i = 0; i < tail.size(); i++) {
            table.apply(i + 1, (i + 1) * 10L, tail.get(i));
        }
        Map<JobId, JobStatus> once = snapshot();
        for (int i = 0; i < tail.size(); i++) {
            assertTrue(table.apply(i + 1, (i + 1) * 10L, tail.get(i)).isEmpty(), "entry " + (i + 1));
        }
        assertEquals(once, snapshot());
        assertEquals(JobState.COMPLETED, state(J1));
        assertEquals(JobState.PENDING, state(J2));
        assertEquals(JobState.CANCELLED, state(J3));
    }

    private Map<JobId, JobStatus> snapshot() {
        Map<JobId, JobStatus> m = new HashMap<>();
        table.all().forEach(j -> m.put(j.id(), j));
        return m;
    }

    // --- Held / Released ---

    @Test
    void holdMovesPendingJobToHeld() {
        next(new Submitted(J1, spec()));
        List<JobChange> changes = next(new Held(J1));
        assertEquals(1, changes.size());
        assertEquals(JobState.PENDING, changes.get(0).before().state());
        assertTrue(changes.get(0).stateChanged());
        JobStatus held = table.get(J1);
        assertEquals(JobState.HELD, held.state());
        assertEquals("Held", held.reason());
        assertEquals(2, held.lastIndex());
    }

    @Test
    void holdOfHeldRunningOrFinishedJobChangesNothing() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").hold(true).build()));
        assertTrue(next(new Held(J1)).isEmpty());
        runJob(J2);
        assertTrue(next(new Held(J2)).isEmpty());
        assertEquals(JobState.RUNNING, state(J2));
        next(new Finished(J2, 1, JobState.COMPLETED, 0, null));
        assertTrue(next(new Held(J2)).isEmpty());
        assertEquals(JobState.COMPLETED, state(J2));
    }

    @Test
    void releaseMovesHeldJobBackToPendingAndClearsReason() {
        next(new Submitted(J1, spec()));
        next(new Held(J1));
        List<JobChange> changes = next(new Released(J1));
        assertEquals(1, changes.size());
        assertEquals(JobState.PENDING, state(J1));
        assertNull(table.get(J1).reason());
    }

    @Test
    void releaseOfJobThatIsNotHeldChangesNothing() {
        next(new Submitted(J1, spec()));
        assertTrue(next(new Released(J1)).isEmpty());
        runJob(J2);
        assertTrue(next(new Released(J2)).isEmpty());
    }

    // --- CancelRequested ---

    @Test
    void cancelOfPendingJobEndsItCancelled() {
        next(new Submitted(J1, spec()));
        List<JobChange> changes = next(new CancelRequested(J1));
        assertEquals(1, changes.size());
        JobStatus job = table.get(J1);
        assertEquals(JobState.CANCELLED, job.state());
        assertEquals("Cancelled by user", job.reason());
        assertEquals(2000, job.endMillis());
        assertNull(job.exitCode());
        assertTrue(job.isTerminal());
    }

    @Test
    void cancelOfHeldJobEndsItCancelled() {
        next(new Submitted(J1, spec()));
        next(new Held(J1));
        next(new CancelRequested(J1));
        assertEquals(JobState.CANCELLED, state(J1));
    }

    @Test
    void cancelOfRunningJobOnlyMarksItCancelling() {
        runJob(J1);
        List<JobChange> changes = next(new CancelRequested(J1));
        assertEquals(1, changes.size());
        assertFalse(changes.get(0).stateChanged());
        JobStatus job = table.get(J1);
        assertEquals(JobState.RUNNING, job.state());
        assertTrue(job.cancelRequested());
        assertEquals("CancelRequested", job.reason());
        assertEquals(ALLOC, job.allocation());
    }

    @Test
    void secondCancelOfRunningJobChangesNothing() {
        runJob(J1);
        next(new CancelRequested(J1));
        assertTrue(next(new CancelRequested(J1)).isEmpty());
    }

    @Test
    void cancelOfFinishedJobChangesNothing() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertTrue(next(new CancelRequested(J1)).isEmpty());
        assertEquals(JobState.COMPLETED, state(J1));
    }

    // --- Dispatched / Started / Finished ---

    @Test
    void dispatchStartsNextAttemptWithItsAllocation() {
        next(new Submitted(J1, spec()));
        List<JobChange> changes = next(new Dispatched(J1, 1, ALLOC));
        assertEquals(1, changes.size());
        JobStatus job = table.get(J1);
        assertEquals(JobState.RUNNING, job.state());
        assertEquals(1, job.attempt());
        assertEquals(ALLOC, job.allocation());
        assertEquals(2000, job.startMillis());
        assertEquals(0, job.pid());
        assertNull(job.reason());
    }

    @Test
    void dispatchWithWrongAttemptChangesNothing() {
        next(new Submitted(J1, spec()));
        assertTrue(next(new Dispatched(J1, 2, ALLOC)).isEmpty());
        assertTrue(next(new Dispatched(J1, 0, ALLOC)).isEmpty());
        assertEquals(JobState.PENDING, state(J1));
    }

    @Test
    void dispatchOfHeldJobChangesNothing() {
        next(new Submitted(J1, spec()));
        next(new Held(J1));
        assertTrue(next(new Dispatched(J1, 1, ALLOC)).isEmpty());
        assertEquals(JobState.HELD, state(J1));
    }

    @Test
    void dispatchForCancelledJobChangesNothing() {
        next(new Submitted(J1, spec()));
        next(new CancelRequested(J1));
        assertTrue(next(new Dispatched(J1, 1, ALLOC)).isEmpty());
        assertEquals(JobState.CANCELLED, state(J1));
    }

    @Test
    void startRecordsPidOfCurrentAttempt() {
        runJob(J1);
        List<JobChange> changes = next(new Started(J1, 1, 4242, 123_456));
        assertEquals(1, changes.size());
        assertFalse(changes.get(0).stateChanged());
        JobStatus job = table.get(J1);
        assertEquals(4242, job.pid());
        assertEquals(123_456, job.pidStartMillis());
        assertEquals(JobState.RUNNING, job.state());
    }

    @Test
    void startOfOtherAttemptOrOfJobNotRunningChangesNothing() {
        runJob(J1);
        assertTrue(next(new Started(J1, 2, 4242, 1)).isEmpty());
        next(new Submitted(J2, spec()));
        assertTrue(next(new Started(J2, 0, 4242, 1)).isEmpty());
        assertEquals(0, table.get(J1).pid());
    }

    @Test
    void finishEndsRunningJobWithExitCodeAndReason() {
        runJob(J1);
        next(new Started(J1, 1, 4242, 1));
        List<JobChange> changes = next(new Finished(J1, 1, JobState.FAILED, 3, "NonZeroExitCode"));
        assertEquals(1, changes.size());
        assertEquals(JobState.RUNNING, changes.get(0).before().state());
        JobStatus job = table.get(J1);
        assertEquals(JobState.FAILED, job.state());
        assertEquals(3, job.exitCode());
        assertEquals("NonZeroExitCode", job.reason());
        assertEquals(4000, job.endMillis());
        assertEquals(2000, job.startMillis());
        assertEquals(4242, job.pid());
        assertNull(job.allocation());
    }

    @Test
    void finishWithoutExitCodeRecordsNone() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.TIMEOUT, -1, "TimeLimit"));
        assertEquals(JobState.TIMEOUT, state(J1));
        assertNull(table.get(J1).exitCode());
    }

    @Test
    void finishKeepsCancelRequestedMark() {
        runJob(J1);
        next(new CancelRequested(J1));
        next(new Finished(J1, 1, JobState.CANCELLED, -1, "Cancelled by user"));
        assertEquals(JobState.CANCELLED, state(J1));
        assertTrue(table.get(J1).cancelRequested());
    }

    @Test
    void finishOfOtherAttemptOrIntoNonTerminalStateChangesNothing() {
        runJob(J1);
        assertTrue(next(new Finished(J1, 2, JobState.COMPLETED, 0, null)).isEmpty());
        assertTrue(next(new Finished(J1, 1, JobState.PREEMPTED, -1, null)).isEmpty());
        assertTrue(next(new Finished(J1, 1, JobState.RUNNING, -1, null)).isEmpty());
        assertEquals(JobState.RUNNING, state(J1));
    }

    @Test
    void finishOfPendingJobChangesNothing() {
        next(new Submitted(J1, spec()));
        assertTrue(next(new Finished(J1, 0, JobState.COMPLETED, 0, null)).isEmpty());
        assertEquals(JobState.PENDING, state(J1));
    }

    // --- dependency cascades ---

    @Test
    void failedParentCancelsDependents() {
        runJob(J1);
        next(new Submitted(J2, spec(J1)));
        List<JobChange> changes = next(new Finished(J1, 1, JobState.FAILED, 1, "NonZeroExitCode"));
        assertEquals(2, changes.size());
        assertEquals(J1, changes.get(0).after().id());
        assertEquals(J2, changes.get(1).after().id());
        JobStatus child = table.get(J2);
        assertEquals(JobState.CANCELLED, child.state());
        assertEquals("DependencyNeverSatisfied: job 1 ended FAILED", child.reason());
        assertEquals(4000, child.endMillis());
        assertEquals(4, child.lastIndex());
    }

    @Test
    void cascadeReachesGrandchildrenAndHeldDependents() {
        runJob(J1);
        next(new Submitted(J2, JobSpec.process("research", "ada", "x").afterOk(J1).hold(true).build()));
        next(new Submitted(J3, spec(J2)));
        List<JobChange> changes = next(new Finished(J1, 1, JobState.TIMEOUT, -1, "TimeLimit"));
        assertEquals(3, changes.size());
        assertEquals(JobState.CANCELLED, state(J2));
        assertEquals(JobState.CANCELLED, state(J3));
        assertEquals("DependencyNeverSatisfied: job 1 ended TIMEOUT", table.get(J2).reason());
        assertEquals("DependencyNeverSatisfied: job 2 ended CANCELLED", table.get(J3).reason());
    }

    @Test
    void cancelledPendingParentCancelsDependents() {
        next(new Submitted(J1, spec()));
        next(new Submitted(J2, spec(J1)));
        List<JobChange> changes = next(new CancelRequested(J1));
        assertEquals(2, changes.size());
        assertEquals(JobState.CANCELLED, state(J2));
        assertEquals("DependencyNeverSatisfied: job 1 ended CANCELLED", table.get(J2).reason());
    }

    @Test
    void completedParentCancelsNothing() {
        runJob(J1);
        next(new Submitted(J2, spec(J1)));
        List<JobChange> changes = next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(1, changes.size());
        assertEquals(JobState.PENDING, state(J2));
    }

    @Test
    void cascadeLeavesFinishedDependentsAlone() {
        runJob(J1);
        next(new Submitted(J2, spec(J1)));
        next(new CancelRequested(J2));
        JobStatus cancelled = table.get(J2);
        List<JobChange> changes = next(new Finished(J1, 1, JobState.FAILED, 1, null));
        assertEquals(1, changes.size());
        assertSame(cancelled, table.get(J2));
    }

    // --- restore and queries ---

    @Test
    void restoredJobsAreKnownWithTheirDependents() {
        JobStatus parent = new JobStatus(J1, spec(), JobState.RUNNING, 10, 20L, null, 1, 4242, 5, null, null,
                ALLOC, false, 7);
        JobStatus child = new JobStatus(J3, spec(J1), JobState.PENDING, 11, null, null, 0, 0, 0, null, null,
                null, false, 8);
        table.restore(parent);
        table.restore(child);
        assertTrue(table.contains(J1));
        assertFalse(table.contains(J2));
        assertEquals(2, table.size());
        assertEquals(3, table.maxId());
        assertSame(parent, table.get(J1));
        assertEquals(List.of(J3), table.dependentsOf(J1));
        // a restored job's lastIndex makes older entries stale
        assertTrue(table.apply(7, 0, new Finished(J1, 1, JobState.FAILED, 1, null)).isEmpty());
        table.apply(9, 9000, new Finished(J1, 1, JobState.FAILED, 1, null));
        assertEquals(JobState.CANCELLED, state(J3));
    }

    @Test
    void dependenciesAreUnmetWhileAParentIsUnknown() {
        JobStatus orphan = new JobStatus(J2, spec(J1), JobState.PENDING, 1, null, null, 0, 0, 0, null, null,
                null, false, 1);
        table.restore(orphan);
        assertFalse(table.dependenciesMet(orphan));
        assertTrue(table.dependenciesMet(new JobStatus(J3, spec(), JobState.PENDING, 1, null, null, 0, 0, 0, null,
                null, null, false, 1)));
    }

    @Test
    void emptyTableHasMaxIdZero() {
        assertEquals(0, table.maxId());
        assertEquals(0, table.size());
        assertTrue(table.all().isEmpty());
        assertNull(table.get(J1));
    }

    @Test
    void withReasonKeepsEverythingElse() {
        next(new Submitted(J1, spec()));
        JobStatus job = table.get(J1);
        JobStatus explained = job.withReason("Priority");
        assertEquals("Priority", explained.reason());
        assertEquals(job, explained.withReason(null));
    }

    // --- job arrays ---

    private static final JobId ARRAY = JobId.of(10);

    /** Array 10 with tasks 0, 2, 4 (jobs 10, 11, 12), at most 2 running. */
    private void submitArray() {
        next(new JournalEvent.ArraySubmitted(ARRAY, spec(), dev.labq.core.domain.ArraySpec.parse("0-4:2%2")));
    }

    @Test
    void anArrayEntryMakesOneJobPerTaskUnderConsecutiveIds() {
        submitArray();
        assertEquals(List.of(JobId.of(10), JobId.of(11), JobId.of(12)), table.arrayTasks(table.get(ARRAY)));
        for (int i = 0; i < 3; i++) {
            JobStatus task = table.get(JobId.of(10 + i));
            assertEquals(JobState.PENDING, task.state());
            assertEquals(10, task.spec().array().arrayId());
            assertEquals(2 * i, task.spec().array().taskId());
            assertEquals(1, task.lastIndex(), "all at the array's entry");
        }
        assertEquals(JobId.of(12), table.arrayTask(10, 4).id());
        assertNull(table.arrayTask(10, 3), "no such index");
        assertNull(table.arrayTask(11, 2), "11 is a task, not an array");
        assertNull(table.arrayTask(99, 0), "no such job");
        assertEquals(List.of(JobId.of(11)), table.arrayTasks(table.get(JobId.of(11))), "a later task is only itself");
    }

    @Test
    void aWholeArrayControlReachesEveryTaskItAppliesTo() {
        submitArray();
        next(new Dispatched(JobId.of(10), 1, ALLOC));
        next(new Held(ARRAY, true));
        assertEquals(JobState.RUNNING, state(JobId.of(10)), "a running task is not held");
        assertEquals(JobState.HELD, state(JobId.of(11)));
        assertEquals(JobState.HELD, state(JobId.of(12)));
        next(new Released(ARRAY, true));
        assertEquals(JobState.PENDING, state(JobId.of(12)));
        next(new CancelRequested(ARRAY, true));
        assertEquals(JobState.CANCELLED, state(JobId.of(11)));
        assertTrue(table.get(JobId.of(10)).cancelRequested(), "the running task is asked to stop");
    }

    @Test
    void aControlOfTheArraysIdAloneReachesOnlyItsFirstTask() {
        submitArray();
        next(new Held(ARRAY));
        assertEquals(JobState.HELD, state(JobId.of(10)));
        assertEquals(JobState.PENDING, state(JobId.of(11)));
    }

    @Test
    void aWholeArrayControlOfAJobThatIsNoArrayIsAPlainOne() {
        next(new Submitted(J1, spec()));
        next(new Held(J1, true));
        assertEquals(JobState.HELD, state(J1));
    }

    private void complete(long id) {
        next(new Dispatched(JobId.of(id), 1, ALLOC));
        next(new Finished(JobId.of(id), 1, JobState.COMPLETED, 0, null));
    }

    @Test
    void aDependencyOnAnArraysIdWaitsForEveryTask() {
        submitArray();
        next(new Submitted(J1, spec(ARRAY)));
        JobStatus child = table.get(J1);
        for (long task = 10; task <= 12; task++) {
            assertFalse(table.dependenciesMet(child), "waits while task " + task + " has not completed");
            assertEquals("Dependency", table.dependencyReason(child));
            complete(task);
            assertTrue(table.waitingOn(table.get(JobId.of(task))).contains(J1), "task " + task + " wakes the child");
        }
        assertTrue(table.dependenciesMet(child));
        assertNull(table.dependencyReason(child));
    }

    @Test
    void aFailedTaskOfAnArrayCancelsWholeArrayDependentsButNotThoseOfOtherTasks() {
        submitArray();
        next(new Submitted(J1, spec(ARRAY)));
        next(new Submitted(J2, JobSpec.process("research", "ada", "x").afterOkTasks(List.of(ARRAY)).build()));
        next(new Dispatched(JobId.of(11), 1, ALLOC));
        next(new Finished(JobId.of(11), 1, JobState.FAILED, 1, "NonZeroExitCode"));
        assertEquals(JobState.CANCELLED, state(J1));
        assertEquals("DependencyNeverSatisfied: job 11 ended FAILED", table.get(J1).reason());
        assertEquals(JobState.PENDING, state(J2), "waits on the first task alone");
        complete(10);
        assertTrue(table.dependenciesMet(table.get(J2)));
        next(new Submitted(J3, spec(ARRAY)));
        assertEquals("DependencyNeverSatisfied: a task of array 10 ended unsuccessfully", table.get(J3).reason());
    }

    @Test
    void aDependencyOnAnArraysFirstTaskAloneIgnoresTheOthers() {
        submitArray();
        next(new Submitted(J1, JobSpec.process("research", "ada", "x").afterOkTasks(List.of(JobId.of(12))).build()));
        assertEquals("Dependency", table.dependencyReason(table.get(J1)));
        complete(12);
        assertTrue(table.dependenciesMet(table.get(J1)));
        next(new CancelRequested(JobId.of(10)));
        assertEquals(JobState.PENDING, state(J1), "task 0 is not one it waits on");
        next(new Submitted(J2, JobSpec.process("research", "ada", "x").afterOkTasks(List.of(JobId.of(10))).build()));
        assertEquals("DependencyNeverSatisfied: job 10 ended CANCELLED", table.get(J2).reason());
    }

    @Test
    void aWholeArrayDependencyRestoredFromViewsCountsTheTasksAsTheyWere() {
        submitArray();
        complete(10);
        complete(11);
        JobTable restored = new JobTable();
        for (JobStatus job : table.all()) {
            restored.restore(job);
        }
        restored.restore(JobStatus.submitted(J1, spec(ARRAY), 0, 99));
        assertEquals("Dependency", restored.dependencyReason(restored.get(J1)));
        restored.apply(100, 100_000, new Dispatched(JobId.of(12), 1, ALLOC));
        restored.apply(101, 101_000, new Finished(JobId.of(12), 1, JobState.COMPLETED, 0, null));
        assertNull(restored.dependencyReason(restored.get(J1)));
    }

    // --- requeue, and a pipeline's onFailure: hold ---

    private static JobSpec pipelineTask(boolean holdOnFailure, JobId... afterOk) {
        return JobSpec.process("research", "ada", "train").afterOk(afterOk).pipeline(
                new dev.labq.core.domain.PipelineTask(1, "p", "t", "key", null, List.of("w"), 1, afterOk.length, null, holdOnFailure, null, null))
                .build();
    }

    @Test
    void aRequeuedFailedJobIsPendingAgainAndItsNextDispatchIsTheNextAttempt() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.FAILED, 3, "exit code 3"));
        List<JobChange> changes = next(new JournalEvent.RequeueRequested(J1, false));
        assertEquals(1, changes.size());
        JobStatus job = table.get(J1);
        assertEquals(JobState.PENDING, job.state());
        assertEquals("Requeued by user after FAILED (exit 3)", job.reason());
        assertNull(job.exitCode());
        assertNull(job.endMillis());
        assertEquals(1, job.attempt());
        assertTrue(next(new Dispatched(J1, 1, ALLOC)).isEmpty(), "attempt 1 is over");
        assertEquals(JobState.RUNNING, next(new Dispatched(J1, 2, ALLOC)).get(0).after().state());
    }

    @Test
    void requeueChangesNothingForAJobThatCompletedOrHasNotEnded() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertTrue(next(new JournalEvent.RequeueRequested(J1, false)).isEmpty());
        next(new Submitted(J2, spec()));
        assertTrue(next(new JournalEvent.RequeueRequested(J2, false)).isEmpty());
        assertEquals(JobState.COMPLETED, state(J1));
    }

    @Test
    void underHoldOnFailureTheDownstreamWaitsForTheFailedTaskToBeRequeuedAndComplete() {
        next(new Submitted(J1, pipelineTask(true)));
        next(new Submitted(J2, pipelineTask(true, J1)));
        next(new Dispatched(J1, 1, ALLOC));
        next(new Finished(J1, 1, JobState.FAILED, 1, null));
        assertEquals(JobState.PENDING, state(J2), "not cancelled");
        assertEquals("DependencyFailed", table.dependencyReason(table.get(J2)));
        next(new JournalEvent.RequeueRequested(J1, false));
        assertEquals("Dependency", table.dependencyReason(table.get(J2)));
        next(new Dispatched(J1, 2, ALLOC));
        next(new Finished(J1, 2, JobState.COMPLETED, 0, null));
        assertNull(table.dependencyReason(table.get(J2)));
        assertTrue(table.dependenciesMet(table.get(J2)));
    }

    @Test
    void underHoldOnFailureATaskSubmittedAfterItsDependencyFailedWaitsToo() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.FAILED, 1, null));
        next(new Submitted(J2, pipelineTask(true, J1)));
        assertEquals(JobState.PENDING, state(J2));
        next(new Submitted(J3, pipelineTask(false, J1)));
        assertEquals(JobState.CANCELLED, state(J3), "the default fails the downstream");
    }

    @Test
    void withKillOnInvalidDepNoAJobWaitsForAParentThatExhaustedItsRetriesUntilItIsRequeuedAndCompletes() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").retries(1).build()));
        next(new Submitted(J2, JobSpec.process("research", "ada", "eval").afterOk(J1).killInvalidDependency(false).build()));
        next(new Submitted(J3, JobSpec.process("research", "ada", "eval").afterOk(J1).killInvalidDependency(true).build()));
        next(new Dispatched(J1, 1, ALLOC));
        next(new Finished(J1, 1, JobState.FAILED, 1, null));
        assertEquals("Dependency", table.dependencyReason(table.get(J2)), "a retry is coming");
        next(new Dispatched(J1, 2, ALLOC));
        next(new Finished(J1, 2, JobState.FAILED, 1, null));
        assertEquals(JobState.PENDING, state(J2), "waits, as Slurm's jobs do without kill_invalid_depend");
        assertEquals("DependencyFailed", table.dependencyReason(table.get(J2)));
        assertEquals("DependencyNeverSatisfied: job 1 ended FAILED", table.get(J3).reason());
        next(new JournalEvent.RequeueRequested(J1, false));
        next(new Dispatched(J1, 3, ALLOC));
        next(new Finished(J1, 3, JobState.COMPLETED, 0, null));
        assertTrue(table.dependenciesMet(table.get(J2)));
    }

    @Test
    void aWholeArrayRequeueReachesEveryTaskThatEndedUnsuccessfully() {
        submitArray();
        next(new CancelRequested(JobId.of(11)));
        next(new CancelRequested(JobId.of(12)));
        next(new JournalEvent.RequeueRequested(ARRAY, true));
        assertEquals(JobState.PENDING, state(JobId.of(10)), "was pending all along");
        assertEquals(JobState.PENDING, state(JobId.of(11)));
        assertEquals(JobState.PENDING, state(JobId.of(12)));
    }

    // --- retries ---

    @Test
    void aFailedAttemptWithRetriesLeftWaitsAgainUntilTheRetriesAreSpent() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").retries(2).build()));
        next(new Dispatched(J1, 1, ALLOC));
        List<JobChange> first = next(new Finished(J1, 1, JobState.FAILED, 3, "exit code 3"));
        assertEquals(JobState.PENDING, first.get(0).after().state());
        assertEquals("Retry 1 of 2 after FAILED (exit 3)", table.get(J1).reason());
        assertNull(table.get(J1).allocation(), "its resources are free");
        next(new Dispatched(J1, 2, ALLOC));
        next(new Finished(J1, 2, JobState.TIMEOUT, -1, "TimeLimit"));
        assertEquals("Retry 2 of 2 after TIMEOUT", table.get(J1).reason());
        next(new Dispatched(J1, 3, ALLOC));
        next(new Finished(J1, 3, JobState.FAILED, 1, "exit code 1"));
        assertEquals(JobState.FAILED, state(J1), "three starts in all");
    }

    @Test
    void aCancelledAttemptIsNotRetried() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").retries(3).build()));
        next(new Dispatched(J1, 1, ALLOC));
        next(new CancelRequested(J1));
        next(new Finished(J1, 1, JobState.FAILED, 143, "Terminated"));
        assertEquals(JobState.FAILED, state(J1), "asked to stop: it stays stopped");
        next(new Submitted(J2, JobSpec.process("research", "ada", "train").retries(3).build()));
        next(new Dispatched(J2, 1, ALLOC));
        next(new Finished(J2, 1, JobState.CANCELLED, -1, "Cancelled"));
        assertEquals(JobState.CANCELLED, state(J2));
    }

    // --- dedup: project, a task reusing an earlier job's result ---

    private static JobSpec reusing(JobId earlier) {
        return JobSpec.process("research", "ada", "train").afterOk(earlier).pipeline(
                new dev.labq.core.domain.PipelineTask(5, "again", "task_1", "key", null, List.of("w"), 1, 0, null, false,
                        earlier.value(), null)).build();
    }

    @Test
    void aTaskReusingACompletedResultCompletesAtOnceWithoutRunning() {
        runJob(J1);
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        List<JobChange> changes = next(new Submitted(J2, reusing(J1)));
        JobStatus reused = table.get(J2);
        assertEquals(JobState.COMPLETED, reused.state());
        assertEquals("Reused the result of job 1", reused.reason());
        assertEquals(0, reused.attempt(), "never started");
        assertEquals(2, changes.size(), "submitted, then completed, in the one entry");
    }

    @Test
    void aTaskReusingAJobStillRunningCompletesWhenItDoesAndFailsWhenItFails() {
        runJob(J1);
        next(new Submitted(J2, reusing(J1)));
        next(new Submitted(J3, spec(J2)));
        assertEquals(JobState.PENDING, state(J2));
        List<JobChange> changes = next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(List.of(J1, J2), changes.stream().map(c -> c.after().id()).toList());
        assertEquals(JobState.COMPLETED, state(J2));
        assertTrue(table.dependenciesMet(table.get(J3)), "its consumer may start");

        JobId j4 = JobId.of(4);
        JobId j5 = JobId.of(5);
        runJob(j4);
        next(new Submitted(j5, reusing(j4)));
        next(new Finished(j4, 1, JobState.FAILED, 1, null));
        assertEquals(JobState.CANCELLED, state(j5), "no result to reuse");
        assertTrue(table.get(j5).reason().startsWith("DependencyNeverSatisfied"), table.get(j5).reason());
    }

    @Test
    void aBlockAppliedOverViewsHoldingSomeOfItsJobsAddsTheOthers() {
        submitArray();
        JobTable partial = new JobTable();
        partial.restore(table.get(JobId.of(10)));
        partial.restore(table.get(JobId.of(12)));
        List<JobChange> changes = partial.apply(1, 1000, new JournalEvent.ArraySubmitted(ARRAY, spec(),
                dev.labq.core.domain.ArraySpec.parse("0-4:2%2")));
        assertEquals(List.of(JobId.of(11)), changes.stream().map(c -> c.after().id()).toList());
        assertEquals(2, partial.get(JobId.of(11)).spec().array().taskId());
    }

    @Test
    void aReusingJobReleasedAfterItsResultCompletedCompletesAtOnce() {
        runJob(J1);
        next(new Submitted(J2, reusing(J1)));
        next(new Held(J2));
        next(new Finished(J1, 1, JobState.COMPLETED, 0, null));
        assertEquals(JobState.HELD, state(J2));
        next(new Released(J2));
        assertEquals(JobState.COMPLETED, state(J2), "nothing to wait for");
    }

    @Test
    void aJobRequeuedWhileItsDependencyHasFailedIsCancelledAgainUnlessItsPipelineHoldsIt() {
        runJob(J1);
        next(new Submitted(J2, spec(J1)));
        next(new Finished(J1, 1, JobState.FAILED, 1, null));
        assertEquals(JobState.CANCELLED, state(J2));
        next(new JournalEvent.RequeueRequested(J2, false));
        assertEquals(JobState.CANCELLED, state(J2));
        assertTrue(table.get(J2).reason().startsWith("DependencyNeverSatisfied: job 1 ended FAILED"), table.get(J2).reason());
        next(new JournalEvent.RequeueRequested(J1, false));
        next(new JournalEvent.RequeueRequested(J2, false));
        assertEquals(JobState.PENDING, state(J2), "its dependency waits again");
    }

    @Test
    void aUserRequeueGivesTheRetriesAfresh() {
        next(new Submitted(J1, JobSpec.process("research", "ada", "train").retries(1).build()));
        next(new Dispatched(J1, 1, ALLOC));
        next(new Finished(J1, 1, JobState.FAILED, 1, null));
        next(new Dispatched(J1, 2, ALLOC));
        next(new Finished(J1, 2, JobState.FAILED, 1, null));
        assertEquals(JobState.FAILED, state(J1));
        next(new JournalEvent.RequeueRequested(J1, false));
        assertEquals(2, table.get(J1).retriesFrom());
        next(new Dispatched(J1, 3, ALLOC));
        next(new Finished(J1, 3, JobState.FAILED, 1, null));
        assertEquals(JobState.PENDING, state(J1), "its one retry again");
        assertEquals("Retry 1 of 1 after FAILED (exit 1)", table.get(J1).reason());
        next(new Dispatched(J1, 4, ALLOC));
        next(new Finished(J1, 4, JobState.FAILED, 1, null));
        assertEquals(JobState.FAILED, state(J1));
    }
}
