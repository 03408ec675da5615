package dev.labq.core;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.event.EventCodec;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.core.execution.Launch;
import dev.labq.core.execution.ProcessExecutor;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.Await;
import dev.labq.core.testkit.HandWrittenJournal;
import dev.labq.core.testkit.JobFutures;
import dev.labq.core.testkit.Recorder;
import dev.labq.core.testkit.RecordingExecutor;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.time.SettableClock;
import dev.labq.core.view.ViewAudit;
import dev.labq.store.Views;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A scheduler starting on a home an earlier one left behind: what the journal says was running is
 * re-attached or recorded as failed, and nothing is ever started twice.
 */
@Timeout(60)
class RestartRecoveryIT {
    private static final Allocation ONE_CPU = new Allocation(1, 256, List.of());

    @TempDir
    Path root;

    private final List<Process> strays = new ArrayList<>();
    private final JobFutures jobs = new JobFutures();
    private RecordingExecutor starts;

    @AfterEach
    void killStrays() {
        strays.forEach(Process::destroyForcibly);
    }

    private LabqHome home() {
        return LabqHome.of(root);
    }

    /** A scheduler whose process starts are recorded, listening with {@link #jobs}. */
    private LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(root).config(TestConfigs.small()).tickMillis(0).listener(jobs)
                .processExecutor(reports -> starts = new RecordingExecutor(new ProcessExecutor(home().logs(), reports)));
    }

    private static JobSpec spec(String... argv) {
        return JobSpec.process("default", "ana", argv).build();
    }

    private List<JobId> started() {
        return starts.launches().stream().map(Launch::job).toList();
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
    }

    /** The pid of a process that has ended, as a crashed scheduler's journal would name it. */
    private long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.pid();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The attempts the recording executor started for {@code id}, in order. */
    private List<Integer> attemptsStarted(JobId id) {
        return starts.launches().stream().filter(l -> l.job().equals(id)).map(Launch::attempt).toList();
    }

    @Test
    void restartRequeuesAnAttemptWhoseProcessVanishedAndRunsTheNextOneOnce() throws Exception {
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        long pid = deadPid();
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU),
                new JournalEvent.Started(id, 1, pid, 1_700_000_000_000L));
        try (LabqScheduler labq = scheduler().start()) {
            JobStatus done = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, done.state());
            assertEquals(2, done.attempt(), "the lost attempt counts");
            assertEquals(List.of(2), attemptsStarted(id), "attempt 1 is never started again");
            assertTrue(requeueReasons().contains("NodeFail: process " + pid + " was gone when the scheduler restarted"),
                    requeueReasons().toString());
        }
    }

    @Test
    void lostAttemptWithNoAttemptsLeftEndsFailedWithoutAnExitCode() throws Exception {
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        long pid = deadPid();
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU),
                new JournalEvent.Started(id, 1, pid, 1_700_000_000_000L));
        LabqConfig once = new LabqConfig(TestConfigs.small().machine(), TestConfigs.small().projects(),
                new LabqConfig.Settings(0, 2, "default", 1));
        try (LabqScheduler labq = scheduler().config(once).start()) {
            JobStatus failed = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, failed.state());
            assertEquals("NodeFail: process " + pid + " was gone when the scheduler restarted; no attempts left (1)",
                    failed.reason());
            assertNull(failed.exitCode(), "no exit code is made up");
            assertEquals(List.of(), started());
            assertNull(labq.job(id).allocation(), "its resources are free again");
        }
    }

    @Test
    void restartRequeuesADispatchNeverConfirmedWhoseProcessNeverRan() throws Exception {
        JobId id;
        JobFutures firstRun = new JobFutures();
        try (LabqScheduler first = LabqScheduler.builder(root).config(TestConfigs.small()).tickMillis(0)
                .listener(firstRun).processExecutor(reports -> new SilentExecutor()).start()) {
            id = first.submit(spec("touch", root.resolve("ran").toString())).id();
            assertEquals(0, firstRun.reached(id, JobState.RUNNING).get(30, TimeUnit.SECONDS).pid());
        } // the scheduler stops between the dispatch and the confirmed start
        try (LabqScheduler labq = scheduler().start()) {
            JobStatus done = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, done.state());
            assertEquals(List.of(2), attemptsStarted(id), "attempt 1 never ran and is not started now either");
            assertTrue(requeueReasons().stream().anyMatch(r -> r.startsWith(
                    "NodeFail: the scheduler stopped before the start was confirmed")), requeueReasons().toString());
            assertTrue(Files.exists(root.resolve("ran")));
        }
    }

    @Test
    void restartRequeuesAJournaledButNeverConfirmedDispatch() throws Exception {
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU));
        try (LabqScheduler labq = scheduler().start()) {
            JobStatus done = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, done.state());
            assertEquals(List.of(2), attemptsStarted(id));
        }
    }

    @Test
    void attemptThatEndedWhileNoSchedulerRanIsRecordedWithItsExitCode() throws Exception {
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        long pid = deadPid();
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU),
                new JournalEvent.Started(id, 1, pid, 1_700_000_000_000L));
        Files.createDirectories(home().logs());
        Files.writeString(ProcessExecutor.exitFileOf(home().logs(), id, 1), "3\n"); // what the job's wrapper wrote
        try (LabqScheduler labq = scheduler().start()) {
            JobStatus failed = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, failed.state());
            assertEquals(3, failed.exitCode());
            assertEquals("exit code 3; ended while no scheduler ran", failed.reason());
            assertEquals(List.of(), started());
        }
    }

    @Test
    void jobThatOutlivesItsSchedulerIsReattachedAndItsRealExitCodeRecorded() throws Exception {
        Path go = root.resolve("go");
        JobId id;
        try (LabqScheduler first = scheduler().start()) {
            id = first.submit(spec("sh", "-c", "while [ ! -e " + go + " ]; do sleep 0.05; done; exit 7")).id();
            Await.until("job " + id + " to have its pid journaled", Duration.ofSeconds(30), () -> first.job(id).pid() > 0);
        } // the scheduler stops; the job goes on
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.RUNNING, labq.job(id).state(), "re-attached, not failed");
            Files.createFile(go);
            JobStatus ended = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, ended.state());
            assertEquals(7, ended.exitCode(), "the job's own exit code, read from its exit file");
            assertEquals(List.of(), started(), "never started a second time");
        }
    }

    @Test
    void unconfirmedStartWhoseProcessRunsIsFoundByItsEnvironmentAndReattached() throws Exception {
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU)); // crashed before Started
        Path go = root.resolve("go");
        ProcessBuilder orphan = new ProcessBuilder("sh", "-c", "while [ ! -e " + go + " ]; do sleep 0.05; done");
        orphan.environment().put("LABQ_JOB_ID", id.toString());
        orphan.environment().put("LABQ_ATTEMPT", "1");
        orphan.environment().put("LABQ_EXIT_FILE", ProcessExecutor.exitFileOf(home().logs(), id, 1).toString());
        Process process = orphan.start();
        try (LabqScheduler labq = scheduler().start()) {
            Await.until("the start to be confirmed", Duration.ofSeconds(30), () -> labq.job(id).pid() == process.pid());
            assertEquals(JobState.RUNNING, labq.job(id).state());
            Files.createFile(go);
            JobStatus ended = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(1, ended.attempt());
            assertEquals(List.of(), started(), "the running attempt is adopted, not started again");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void dispatchJournaledAfterTheViewsIsStartedOnceAsTheSameAttempt() throws Exception {
        try (LabqScheduler first = scheduler().start()) {
            first.submit(spec("true")).outcome().get(30, TimeUnit.SECONDS); // views now exist and are current
        }
        JobId id = HandWrittenJournal.submit(home(), spec("true"));
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU)); // crashed before folding it
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.COMPLETED, jobs.terminal(id).get(30, TimeUnit.SECONDS).state());
            assertEquals(List.of(1), attemptsStarted(id), "never forked before, so attempt 1 runs, once");
        }
    }

    @Test
    void rebuildCutOffMidwayIsRedoneAndStartsNothingTwice() throws Exception {
        JobId id;
        try (LabqScheduler first = scheduler().start()) {
            id = first.submit(spec("true")).outcome().get(30, TimeUnit.SECONDS).id();
        }
        try (Views views = Views.openForWriter(home().views(), 0)) { // what a killed `replay --rebuild` leaves
            views.rebuildInProgress(true);
            views.clear();
            views.lastAppliedIndex(HandWrittenJournal.indexOf(home(), JournalEvent.Submitted.class));
        }
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.COMPLETED, labq.job(id).state());
            assertEquals(List.of(), started(), "the finished job is not started again");
        }
        try (Views views = Views.openForWriter(home().views(), 0)) {
            assertFalse(views.rebuildInProgress(), "the rebuild finished");
        }
    }

    /** The reasons of every Requeued entry in the journal. */
    private List<String> requeueReasons() {
        List<String> reasons = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(home().journal());
             JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (JournalEntry e = reader.next(); e != null; e = reader.next()) {
                if (EventCodec.decode(e) instanceof JournalEvent.Requeued r) {
                    reasons.add(r.reason());
                }
            }
        }
        return reasons;
    }

    /** An executor whose starts never happen: what a scheduler dying right after a dispatch leaves behind. */
    private static final class SilentExecutor implements dev.labq.core.execution.JobExecutor {
        @Override public void start(Launch launch) { }
        @Override public void terminate(JobId job, int attempt, EndCause cause) { }
        @Override public void kill(JobId job, int attempt) { }
        @Override public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) { return false; }
        @Override public int running() { return 0; }
        @Override public void close() { }
    }

    @Test
    void restartReattachesAProcessStillRunningFromAnEarlierRun() throws Exception {
        Process earlier = new ProcessBuilder("sleep", "30").start();
        strays.add(earlier);
        JobId id = HandWrittenJournal.submit(home(), spec("sleep", "30"));
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU),
                new JournalEvent.Started(id, 1, earlier.pid(), startMillis(earlier.toHandle())));
        Recorder order = new Recorder();
        try (LabqScheduler labq = scheduler().listener(order).start()) {
            JobStatus running = labq.job(id);
            assertEquals(JobState.RUNNING, running.state());
            assertEquals(earlier.pid(), running.pid());
            assertEquals(ONE_CPU, running.allocation(), "it still holds its CPU");
            assertEquals(List.of(), started(), "re-attached, not started again");
            JobHandle needsBothCpus = labq.submit(JobSpec.process("default", "ana", "true")
                    .resources(new Resources(2, 256, 0, null)).build());

            earlier.destroy();
            JobStatus ended = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, ended.state());
            assertTrue(ended.reason().contains("exit code unknown"), ended.reason());
            assertEquals(JobState.COMPLETED, needsBothCpus.outcome().get(30, TimeUnit.SECONDS).state());
            List<String> events = order.events();
            assertTrue(events.indexOf(id + ":FAILED") < events.indexOf(needsBothCpus.id() + ":RUNNING"),
                    "the CPU the re-attached job held was freed only when it ended: " + events);
        }
    }

    @Test
    void timeLimitStillAppliesToAReattachedProcess() throws Exception {
        Process earlier = new ProcessBuilder("sleep", "30").start();
        strays.add(earlier);
        long started = HandWrittenJournal.AT_MILLIS;
        JobId id = HandWrittenJournal.submit(home(), JobSpec.process("default", "ana", "sleep", "30").timeLimitSeconds(60L).build());
        HandWrittenJournal.append(home(), new JournalEvent.Dispatched(id, 1, ONE_CPU),
                new JournalEvent.Started(id, 1, earlier.pid(), startMillis(earlier.toHandle())));
        SettableClock clock = new SettableClock(started + 30_000);
        try (LabqScheduler labq = scheduler().clock(clock).start()) {
            labq.tick();
            assertEquals(JobState.RUNNING, labq.job(id).state());
            clock.advance(31_000);
            labq.tick();
            JobStatus ended = jobs.terminal(id).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.TIMEOUT, ended.state());
            assertFalse(earlier.isAlive());
        }
    }

    @Test
    void restartWithViewsDeletedRebuildsThemAndStartsNothingTwice() throws Exception {
        JobId done;
        JobId failed;
        JobId held;
        try (LabqScheduler first = scheduler().start()) {
            done = first.submit(spec("true")).outcome().get(30, TimeUnit.SECONDS).id();
            failed = first.submit(spec("false")).outcome().get(30, TimeUnit.SECONDS).id();
            held = first.submit(JobSpec.process("default", "ana", "true").hold(true).build()).id();
        }
        deleteRecursively(home().views());
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(List.of(), started());
            assertEquals(JobState.COMPLETED, labq.job(done).state());
            assertEquals(JobState.FAILED, labq.job(failed).state());
            assertEquals(JobState.HELD, labq.job(held).state());
            labq.release(held);
            assertEquals(JobState.COMPLETED, jobs.terminal(held).get(30, TimeUnit.SECONDS).state());
            assertEquals(List.of(held), started());
        }
        assertTrue(ViewAudit.verify(home()).agrees());
    }

    @Test
    void jobIdsAreNeverReusedEvenWhenTheSequenceFileIsLost() throws Exception {
        HandWrittenJournal.append(home(), new JournalEvent.Submitted(JobId.of(5), spec("true")));
        Files.delete(home().jobIds());
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobId.of(6), labq.submit(spec("true")).id());
        }
    }

    @Test
    void restartAfterVerifyingAHomeWhoseViewsWereDeletedStartsNothingTwice() throws Exception {
        try (LabqScheduler first = scheduler().start()) {
            first.submit(spec("true")).outcome().get(30, TimeUnit.SECONDS);
        }
        deleteRecursively(home().views());
        LabqException missing = assertThrows(LabqException.class, () -> ViewAudit.verify(home()));
        assertEquals(LabqException.Kind.VERIFY_FAILED, missing.kind());
        assertFalse(Views.exist(home().views()), "verifying must not create empty views");
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(List.of(), started(), "a finished job is never started again");
        }
    }

    @Test
    void cancelJournaledWhileNoSchedulerRanStopsTheReattachedProcess() throws Exception {
        JobId id;
        long pid;
        try (LabqScheduler first = scheduler().start()) {
            id = first.submit(spec("sleep", "30")).id();
            Await.until("job " + id + " to have its pid journaled", Duration.ofSeconds(30), () -> first.job(id).pid() > 0);
            pid = first.job(id).pid();
        } // the process keeps running while no scheduler serves the home
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        try (LabqClient client = LabqClient.direct(home())) {
            client.cancel(id); // `labq del` with no scheduler
        }
        SettableClock clock = new SettableClock(System.currentTimeMillis());
        JobFutures restarted = new JobFutures();
        try (LabqScheduler labq = scheduler().clock(clock).listener(restarted).start()) {
            clock.advance(60_000); // well past the kill grace period
            labq.tick();
            JobStatus ended = restarted.terminal(id).get(10, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELLED, ended.state(), ended.toString());
        } finally {
            process.destroyForcibly();
        }
    }
}
