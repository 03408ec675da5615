package dev.labq.core;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.execution.ProcessExecutor;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.Await;
import dev.labq.core.testkit.JobFutures;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.time.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Time limits and cancellation of running jobs: TERM, the grace period, then KILL, on a virtual clock. */
@Timeout(60)
class TimeLimitAndCancelIT {
    private static final int GRACE_SECONDS = 5;
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    @TempDir
    Path home;

    private final SettableClock clock = new SettableClock(1_000_000);
    private final JobFutures jobs = new JobFutures();

    private LabqScheduler start() {
        LabqConfig small = TestConfigs.small();
        LabqConfig withGrace = new LabqConfig(small.machine(), small.projects(),
                new LabqConfig.Settings(GRACE_SECONDS, 2, "default"));
        return LabqScheduler.builder(home).config(withGrace).clock(clock).tickMillis(0).listener(jobs).start();
    }

    /** A job that ignores TERM (an ignored signal stays ignored across exec). */
    private static JobSpec.Builder ignoringTerm() {
        return JobSpec.process("default", "ana", "sh", "-c", "trap '' TERM; echo ready; exec sleep 30");
    }

    /** Waits until the job runs and has set its trap, so a TERM sent now is one it ignores. */
    private static long awaitReady(LabqScheduler labq, JobId id) {
        Path out = ProcessExecutor.stdoutOf(labq.home().logs(), id);
        Await.until("job " + id + " to print ready", Duration.ofSeconds(30), () -> {
            try {
                return Files.exists(out) && Files.readString(out).contains("ready");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return awaitPid(labq, id);
    }

    private static long awaitPid(LabqScheduler labq, JobId id) {
        Await.until("job " + id + " to have its pid journaled", Duration.ofSeconds(30), () -> labq.job(id).pid() > 0);
        return labq.job(id).pid();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void timeLimitSendsTermThenKillOnceTheGracePeriodIsOver() throws Exception {
        try (LabqScheduler labq = start()) {
            JobHandle h = labq.submit(ignoringTerm().timeLimitSeconds(60L).build());
            long pid = awaitReady(labq, h.id());

            clock.advance(60_000);
            labq.tick(); // TERM, ignored
            assertEquals(JobState.RUNNING, labq.job(h.id()).state()); // answered after the tick was handled
            assertTrue(alive(pid));

            clock.advance(GRACE_SECONDS * 1000L - 1);
            labq.tick();
            assertEquals(JobState.RUNNING, labq.job(h.id()).state(), "no KILL before the grace period is over");

            clock.advance(1);
            labq.tick();
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.TIMEOUT, s.state());
            assertEquals("TimeLimit reached", s.reason());
            assertEquals(128 + SIGKILL, s.exitCode(), "it took the KILL");
            assertFalse(alive(pid));
            assertEquals("ready\n", Files.readString(ProcessExecutor.stdoutOf(labq.home().logs(), h.id())));
        }
    }

    @Test
    void jobWithinItsTimeLimitIsLeftAlone() throws Exception {
        try (LabqScheduler labq = start()) {
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "sleep", "30").timeLimitSeconds(60L).build());
            long pid = awaitPid(labq, h.id());
            clock.advance(59_999);
            labq.tick();
            assertEquals(JobState.RUNNING, labq.job(h.id()).state());
            assertTrue(alive(pid));
            labq.cancel(h.id());
            assertEquals(JobState.CANCELLED, h.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void cancelOfARunningProcessTermsItAndRecordsCancelled() throws Exception {
        try (LabqScheduler labq = start()) {
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "sleep", "30").build());
            awaitPid(labq, h.id());
            labq.cancel(h.id());
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELLED, s.state());
            assertEquals("Cancelled by user", s.reason());
            assertEquals(128 + SIGTERM, s.exitCode(), "TERM was enough");
        }
    }

    @Test
    void cancelOfAProcessThatIgnoresTermKillsItAfterTheGracePeriod() throws Exception {
        try (LabqScheduler labq = start()) {
            JobHandle h = labq.submit(ignoringTerm().build());
            long pid = awaitReady(labq, h.id());
            labq.cancel(h.id());
            JobStatus cancelling = labq.job(h.id());
            assertEquals(JobState.RUNNING, cancelling.state());
            assertTrue(cancelling.cancelRequested());
            assertEquals("CancelRequested", cancelling.reason());
            assertThrows(IllegalJobStateChangeException.class, () -> labq.hold(h.id()));
            labq.tick();
            assertTrue(alive(pid));

            clock.advance(GRACE_SECONDS * 1000L);
            labq.tick();
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELLED, s.state());
            assertEquals(128 + SIGKILL, s.exitCode());
        }
    }

    @Test
    void commandsRightAfterASubmitSeeTheNewJob() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (LabqScheduler labq = LabqScheduler.builder(home).config(TestConfigs.withCpus(1)).tickMillis(0).start()) {
            JobHandle blocker = labq.submit(JobSpec.task("blocker", "default", "ana").build(), (id, attempt) -> {
                gate.await();
                return 0;
            });
            List<JobHandle> waiting = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                JobHandle h = labq.submit(JobSpec.process("default", "ana", "true").build());
                labq.hold(h.id()); // read your own writes: the submit is journaled, maybe not yet folded
                assertEquals(JobState.HELD, labq.job(h.id()).state());
                waiting.add(h);
            }
            JobHandle cancelled = labq.submit(JobSpec.process("default", "ana", "true").build());
            labq.cancel(cancelled.id());
            assertEquals(JobState.CANCELLED, cancelled.outcome().get(30, TimeUnit.SECONDS).state());
            gate.countDown();
            assertEquals(JobState.COMPLETED, blocker.outcome().get(30, TimeUnit.SECONDS).state());
            labq.release(waiting.get(0).id());
            assertEquals(JobState.COMPLETED, waiting.get(0).outcome().get(30, TimeUnit.SECONDS).state());
            assertEquals(JobState.HELD, labq.job(waiting.get(1).id()).state());
        }
    }

    @Test
    void pendingJobsSayWhyTheyWait() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (LabqScheduler labq = LabqScheduler.builder(home).config(TestConfigs.withCpus(1)).tickMillis(0).start()) {
            CountDownLatch blocking = new CountDownLatch(1);
            JobHandle blocker = labq.submit(JobSpec.task("blocker", "default", "ana").build(), (id, attempt) -> {
                blocking.countDown();
                gate.await();
                return 0;
            });
            assertTrue(blocking.await(30, TimeUnit.SECONDS)); // else the more important jobs below would go first
            JobHandle next = labq.submit(JobSpec.process("research", "ana", "true").build());
            JobHandle after = labq.submit(JobSpec.process("research", "ana", "true").afterOk(next.id()).build());
            JobHandle held = labq.submit(JobSpec.process("research", "ana", "true").hold(true).build());
            List<JobStatus> all = labq.jobs();
            assertEquals(4, all.size());
            assertEquals("Resources", labq.job(next.id()).reason());
            assertEquals("Dependency", labq.job(after.id()).reason());
            assertEquals("Held", labq.job(held.id()).reason());
            gate.countDown();
            assertEquals(JobState.COMPLETED, after.outcome().get(30, TimeUnit.SECONDS).state());
            assertEquals(JobState.COMPLETED, blocker.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void unknownJobIdIsRejectedByEveryCommand() {
        try (LabqScheduler labq = start()) {
            JobId missing = JobId.of(99);
            assertThrows(UnknownJobException.class, () -> labq.job(missing));
            assertThrows(UnknownJobException.class, () -> labq.jobs(List.of(missing)));
            assertThrows(UnknownJobException.class, () -> labq.hold(missing));
            assertThrows(UnknownJobException.class, () -> labq.release(missing));
            UnknownJobException e = assertThrows(UnknownJobException.class, () -> labq.cancel(missing));
            assertTrue(e.getMessage().contains("job=99"), e.getMessage());
            assertEquals(List.of(), labq.jobs());
        }
    }
}
