package dev.labq.core;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.execution.ProcessExecutor;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.Recorder;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.time.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The scheduler end to end on a real home: journal, ring, decision stage, real processes, views. */
@Timeout(60)
class LabqSchedulerIT {
    @TempDir
    Path home;

    private LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0);
    }

    private static JobSpec.Builder process(String... argv) {
        return JobSpec.process("default", "ana", argv);
    }

    @Test
    void runsRealProcessAndRecordsExitCodeAndLogs() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle ok = labq.submit(process("sh", "-c", "echo hello; echo oops >&2").build());
            JobHandle bad = labq.submit(process("sh", "-c", "exit 3").build());
            JobStatus done = ok.outcome().get(30, TimeUnit.SECONDS);
            JobStatus failed = bad.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, done.state());
            assertEquals(0, done.exitCode());
            assertTrue(done.pid() > 0);
            assertEquals("hello\n", Files.readString(ProcessExecutor.stdoutOf(labq.home().logs(), ok.id())));
            assertEquals("oops\n", Files.readString(ProcessExecutor.stderrOf(labq.home().logs(), ok.id())));
            assertEquals(JobState.FAILED, failed.state());
            assertEquals(3, failed.exitCode());
            assertEquals("exit code 3", failed.reason());
        }
    }

    @Test
    void programThatCannotStartFailsWithReason() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobStatus s = labq.submit(process("/no/such/program").build()).outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, s.state());
            assertTrue(s.reason().startsWith("cannot start /no/such/program"), s.reason());
        }
    }

    @Test
    void dependentStartsOnlyAfterParentCompletes() throws Exception {
        Recorder recorder = new Recorder();
        try (LabqScheduler labq = scheduler().listener(recorder).start()) {
            JobHandle parent = labq.submit(process("true").build());
            JobHandle child = labq.submit(process("true").afterOk(parent.id()).build());
            assertEquals(JobState.COMPLETED, child.outcome().get(30, TimeUnit.SECONDS).state());
            List<String> events = recorder.events();
            assertTrue(events.indexOf(parent.id() + ":COMPLETED") < events.indexOf(child.id() + ":RUNNING"), events.toString());
        }
    }

    @Test
    void failedParentCancelsDependent() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle parent = labq.submit(process("false").build());
            JobHandle child = labq.submit(process("true").afterOk(parent.id()).build());
            JobStatus c = child.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELLED, c.state());
            assertTrue(c.reason().startsWith("DependencyNeverSatisfied"), c.reason());
        }
    }

    /** One CPU and {@link TestConfigs}' projects, under the named priority policy. */
    private static LabqConfig oneCpu(String policy) {
        LabqConfig small = TestConfigs.withCpus(1);
        LabqConfig.Settings s = small.scheduler();
        return new LabqConfig(small.machine(), small.projects(), new LabqConfig.Settings(s.killGraceSeconds(),
                s.inProcessThreads(), s.defaultProject(), s.maxAttempts(), s.backfill(), policy));
    }

    @Test
    void higherImportanceStartsFirstWhenResourcesFree() throws Exception {
        Recorder recorder = new Recorder();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        // labq's first policy: importance decides, the job's own over its project's, however high
        try (LabqScheduler labq = scheduler().config(oneCpu(LabqConfig.Settings.POLICY_IMPORTANCE_DEADLINE_AGE))
                .listener(recorder).start()) {
            JobHandle blocker = labq.submit(JobSpec.task("blocker", "default", "ana").build(), (id, attempt) -> {
                blocking.countDown();
                gate.await();
                return 0;
            });
            assertTrue(blocking.await(30, TimeUnit.SECONDS)); // else "high" may be decided before the blocker
            JobHandle low = labq.submit(JobSpec.task("low", "teaching", "ana").build(), (id, a) -> 0);
            JobHandle high = labq.submit(JobSpec.task("high", "research", "ana").build(), (id, a) -> 0);
            JobHandle urgent = labq.submit(JobSpec.task("urgent", "teaching", "ana").importance(1000).build(), (id, a) -> 0);
            assertEquals("Priority", labq.job(low.id()).reason());
            gate.countDown();
            low.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(blocker.id(), urgent.id(), high.id(), low.id()), recorder.order(JobState.RUNNING));
        }
    }

    @Test
    void jobOfTheMoreImportantProjectStartsFirstUnderTheDefaultPolicy() throws Exception {
        Recorder recorder = new Recorder();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        try (LabqScheduler labq = scheduler().config(TestConfigs.withCpus(1)).listener(recorder).start()) {
            JobHandle blocker = labq.submit(JobSpec.task("blocker", "default", "ana").build(), (id, attempt) -> {
                blocking.countDown();
                gate.await();
                return 0;
            });
            assertTrue(blocking.await(30, TimeUnit.SECONDS));
            JobHandle low = labq.submit(JobSpec.task("low", "teaching", "ana").build(), (id, a) -> 0);
            JobHandle high = labq.submit(JobSpec.task("high", "research", "ana").build(), (id, a) -> 0);
            gate.countDown();
            low.outcome().get(30, TimeUnit.SECONDS);
            // neither project has used anything, so fair share is equal and importance (50 over 5) decides
            assertEquals(List.of(blocker.id(), high.id(), low.id()), recorder.order(JobState.RUNNING));
        }
    }

    @Test
    void gpuJobGetsDeviceOfRequestedType() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle h = labq.submit(process("sh", "-c", "echo $CUDA_VISIBLE_DEVICES")
                    .resources(new Resources(1, 100, 1, "a100")).build());
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, s.state());
            assertEquals("0\n", Files.readString(ProcessExecutor.stdoutOf(labq.home().logs(), h.id())));
        }
    }

    @Test
    void cancelsPendingAndRunningJobs() throws Exception {
        try (LabqScheduler labq = scheduler().config(TestConfigs.withCpus(1)).start()) {
            JobHandle running = labq.submit(JobSpec.task("spin", "default", "ana").build(), (id, a) -> {
                new CountDownLatch(1).await();
                return 0;
            });
            JobHandle pending = labq.submit(process("true").build());
            labq.cancel(pending.id());
            assertEquals(JobState.CANCELLED, pending.outcome().get(30, TimeUnit.SECONDS).state());
            labq.cancel(running.id());
            assertEquals(JobState.CANCELLED, running.outcome().get(30, TimeUnit.SECONDS).state());
            assertThrows(dev.labq.core.domain.IllegalJobStateChangeException.class, () -> labq.cancel(running.id()));
        }
    }

    @Test
    void timeLimitTerminatesProcessOnVirtualClock() throws Exception {
        SettableClock clock = new SettableClock(1_000_000);
        try (LabqScheduler labq = scheduler().clock(clock).start()) {
            JobHandle h = labq.submit(process("sleep", "600").timeLimitSeconds(60L).build());
            awaitState(labq, h.id(), JobState.RUNNING);
            awaitPid(labq, h.id());
            labq.tick();
            assertEquals(JobState.RUNNING, labq.job(h.id()).state());
            clock.advance(61_000);
            labq.tick();
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.TIMEOUT, s.state());
        }
    }

    @Test
    void holdAndReleaseGateAJob() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle h = labq.submit(process("true").hold(true).build());
            assertEquals(JobState.HELD, labq.job(h.id()).state());
            assertThrows(dev.labq.core.domain.IllegalJobStateChangeException.class, () -> labq.hold(h.id()));
            labq.release(h.id());
            assertEquals(JobState.COMPLETED, h.outcome().get(30, TimeUnit.SECONDS).state());
            assertThrows(dev.labq.core.domain.IllegalJobStateChangeException.class, () -> labq.release(h.id()));
        }
    }

    @Test
    void unknownDependencyIsRejectedAndNothingIsJournaled() {
        try (LabqScheduler labq = scheduler().start()) {
            long before = labq.journal().lastIndex();
            UnknownJobException e = assertThrows(UnknownJobException.class,
                    () -> labq.submit(process("true").afterOk(JobId.of(999)).build()));
            assertTrue(e.getMessage().contains("afterok=999"), e.getMessage());
            assertEquals(before, labq.journal().lastIndex());
        }
    }

    @Test
    void secondSchedulerOnSameHomeIsRefused() {
        try (LabqScheduler labq = scheduler().start()) {
            LabqException e = assertThrows(LabqException.class, () -> scheduler().start());
            assertEquals(LabqException.Kind.ALREADY_RUNNING, e.kind());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void restartKeepsFinishedJobsAndLosesInProcessTasks() throws Exception {
        JobId done;
        JobId task;
        try (LabqScheduler labq = scheduler().config(TestConfigs.withCpus(1)).start()) {
            done = labq.submit(process("true").build()).outcome().get(30, TimeUnit.SECONDS).id();
            labq.submit(process("true").hold(true).build());
            task = labq.submit(JobSpec.task("t", "default", "ana").hold(true).build(), (id, a) -> 0).id();
        }
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.COMPLETED, labq.job(done).state());
            labq.release(task);
            JobStatus lost = awaitState(labq, task, JobState.FAILED);
            assertTrue(lost.reason().contains("not registered"), lost.reason());
            assertEquals(3, labq.jobs().size());
        }
    }

    static JobStatus awaitState(LabqScheduler labq, JobId id, JobState state) {
        for (int i = 0; i < 100_000; i++) {
            JobStatus s = labq.job(id);
            if (s.state() == state) {
                return s;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("job " + id + " never became " + state + ": " + labq.job(id));
    }

    static void awaitPid(LabqScheduler labq, JobId id) {
        for (int i = 0; i < 100_000 && labq.job(id).pid() == 0; i++) {
            Thread.onSpinWait();
        }
        assertTrue(labq.job(id).pid() > 0);
    }
}
