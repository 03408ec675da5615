package dev.labq.core;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.execution.ExecutionListener;
import dev.labq.core.execution.JobExecutor;
import dev.labq.core.execution.Launch;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.Recorder;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.domain.JobId;
import dev.labq.store.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** How a scheduler is opened: its home, configuration, builder options, listeners, and failed starts. */
@Timeout(60)
class SchedulerOptionsIT {
    @TempDir
    Path home;

    private LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0);
    }

    @Test
    void openReadsTheHomesOwnConfigurationAndItsTickerEnforcesTimeLimits() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("labq.yaml"), """
                machine: { cpus: 3, memory: 2G, gpus: [] }
                projects:
                  astro: { importance: 7 }
                scheduler: { killGraceSeconds: 0, defaultProject: astro }
                """);
        try (LabqScheduler labq = Labq.open(home)) {
            assertEquals(3, labq.inventory().cpus());
            assertEquals(7, labq.config().importanceOf("astro"));
            assertThrows(InvalidInputException.class, () -> labq.submit(JobSpec.process("default", "ana", "true").build()),
                    "the shipped projects are replaced, not merged");
            JobHandle h = labq.submit(JobSpec.process("astro", "ana", "sleep", "30").timeLimitSeconds(1L).build());
            JobStatus s = h.outcome().get(30, TimeUnit.SECONDS); // nobody calls tick(): the built-in ticker does
            assertEquals(JobState.TIMEOUT, s.state());
        }
    }

    @Test
    void inventoryGivenToTheBuilderReplacesTheConfiguredMachine() {
        MachineInventory oneCpu = MachineInventory.of(new LabqConfig.Machine("1", "1G", List.of()));
        try (LabqScheduler labq = scheduler().inventory(oneCpu).expectedJobs(10).start()) {
            assertSame(oneCpu, labq.inventory());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> labq.submit(
                    JobSpec.process("default", "ana", "true").resources(new Resources(2, 256, 0, null)).build()));
            assertTrue(e.getMessage().contains("this machine has 1 CPUs"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> labq.submit(
                    JobSpec.process("default", "ana", "true").resources(new Resources(1, 100, 1, null)).build()));
        }
    }

    /** Runs every process job at once and reports exit code 4, as a remote executor at the edge would. */
    private static final class ImmediateExecutor implements JobExecutor {
        private final ExecutionListener reports;

        ImmediateExecutor(ExecutionListener reports) {
            this.reports = reports;
        }

        @Override public void start(Launch launch) {
            reports.started(launch.job(), launch.attempt(), 4242, 99);
            reports.exited(launch.job(), launch.attempt(), 4, null, null);
        }
        @Override public void terminate(JobId job, int attempt, EndCause cause) { }
        @Override public void kill(JobId job, int attempt) { }
        @Override public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) { return false; }
        @Override public int running() { return 0; }
        @Override public void close() { }
    }

    @Test
    void processJobsRunOnTheExecutorGivenToTheBuilderAndTasksStayInProcess() throws Exception {
        try (LabqScheduler labq = scheduler().processExecutor(ImmediateExecutor::new).start()) {
            JobStatus process = labq.submit(JobSpec.process("default", "ana", "never-run").build()).outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.FAILED, process.state());
            assertEquals(4, process.exitCode());
            assertEquals(4242, process.pid());
            assertEquals("exit code 4", process.reason());
            JobStatus task = labq.submit(JobSpec.task("t", "default", "ana").build(), (id, attempt) -> 0)
                    .outcome().get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, task.state());
        }
    }

    @Test
    void listenersThatThrowDoNotStopScheduling() throws Exception {
        Recorder recorder = new Recorder();
        try (LabqScheduler labq = scheduler().listener(change -> {
            throw new IllegalStateException("listener bug");
        }).listener(recorder).start()) {
            labq.addListener(change -> {
                throw new UnsupportedOperationException("another listener bug");
            });
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, h.outcome().get(30, TimeUnit.SECONDS).state());
            assertEquals(List.of(h.id() + ":PENDING", h.id() + ":RUNNING", h.id() + ":COMPLETED"), recorder.events());
            JobHandle next = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, next.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void listenerThatFailsAnAssertionDoesNotStopScheduling() throws Exception {
        Recorder recorder = new Recorder();
        try (LabqScheduler labq = scheduler().listener(change -> {
            throw new AssertionError("expected something else");
        }).listener(recorder).start()) {
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, h.outcome().get(10, TimeUnit.SECONDS).state());
            assertEquals(List.of(h.id() + ":PENDING", h.id() + ":RUNNING", h.id() + ":COMPLETED"), recorder.events());
        }
    }

    @Test
    void listenerCallingTheSchedulerIsRefusedInsteadOfDeadlocking() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> refused = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<LabqScheduler> self = new java.util.concurrent.atomic.AtomicReference<>();
        try (LabqScheduler labq = scheduler().listener(change -> {
            try {
                self.get().jobs();
            } catch (IllegalStateException e) {
                refused.complete(e);
            }
        }).start()) {
            self.set(labq);
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, h.outcome().get(30, TimeUnit.SECONDS).state());
            assertTrue(refused.get(30, TimeUnit.SECONDS).getMessage().contains("must not call the scheduler"));
        }
    }

    @Test
    void codeChainedOnAnOutcomeMayCallTheScheduler() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle first = labq.submit(JobSpec.process("default", "ana", "true").build());
            JobHandle second = first.outcome()
                    .thenApply(done -> labq.submit(JobSpec.process("default", "ana", "true").build()))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, second.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void entryThatCannotBeAppliedStopsTheSchedulerInsteadOfSkippingIt() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            labq.submit(JobSpec.process("default", "ana", "true").build()).outcome().get(30, TimeUnit.SECONDS);
            long bad = labq.journal().append(99, 1, 0, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            LabqException why = labq.stoppedByFailure().get(30, TimeUnit.SECONDS);
            assertEquals(LabqException.Kind.STORAGE, why.kind());
            assertTrue(why.getMessage().contains("cannot apply journal entry " + bad), why.getMessage());
            LabqException refused = assertThrows(LabqException.class,
                    () -> labq.submit(JobSpec.process("default", "ana", "true").build()));
            assertEquals(why, refused, "nothing is accepted past a hole in the fold");
        }
        LabqException atStart = assertThrows(LabqException.class, () -> scheduler().start());
        assertEquals(LabqException.Kind.STORAGE, atStart.kind());
        assertTrue(atStart.getMessage().contains("cannot apply journal entry"), atStart.getMessage());
        assertFalse(dev.labq.store.lock.ExclusiveFileLock.isHeld(LabqHome.of(home).lock()), "a failed start lets go of the home");
    }

    @Test
    void callsAfterCloseFailAndOutcomesStillPendingAreToldSo() throws Exception {
        LabqScheduler labq = scheduler().start();
        JobHandle held = labq.submit(JobSpec.process("default", "ana", "true").hold(true).build());
        labq.close();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> held.outcome().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("closed before the job ended"), e.getCause().getMessage());
        LabqException closed = assertThrows(LabqException.class, labq::jobs);
        assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
    }

    @Test
    void drainStartsNothingMoreAndEndsWhenTheRunningJobsHaveEnded() throws Exception {
        Path go = home.resolve("go");
        try (LabqScheduler labq = scheduler().config(TestConfigs.withCpus(1)).start()) {
            JobHandle running = labq.submit(JobSpec.process("default", "ana", "sh", "-c",
                    "while [ ! -e " + go + " ]; do sleep 0.05; done").build());
            JobHandle waiting = labq.submit(JobSpec.process("default", "ana", "true").build());
            dev.labq.core.testkit.Await.until("the first job to run", java.time.Duration.ofSeconds(30),
                    () -> labq.job(running.id()).state() == JobState.RUNNING);
            java.util.concurrent.CompletableFuture<Void> drained = labq.drain();
            assertFalse(drained.isDone(), "a job still runs");
            Files.createFile(go);
            drained.get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, running.outcome().get(30, TimeUnit.SECONDS).state());
            assertEquals(JobState.PENDING, labq.job(waiting.id()).state(), "draining starts nothing new");
        }
    }

    @Test
    void replayOfALongJournalReportsItsProgress() throws Exception {
        LabqHome labqHome = LabqHome.of(home);
        dev.labq.core.event.JournalEvent[] held = new dev.labq.core.event.JournalEvent[25_000];
        JobId id = dev.labq.core.testkit.HandWrittenJournal.submit(labqHome, JobSpec.process("default", "ana", "true").hold(true).build());
        java.util.Arrays.fill(held, new dev.labq.core.event.JournalEvent.Held(id));
        dev.labq.core.testkit.HandWrittenJournal.append(labqHome, held);
        List<Long> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LabqScheduler labq = scheduler().replayProgress(progress::add).start()) {
            assertEquals(List.of(10_000L, 20_000L), progress);
            assertEquals(JobState.HELD, labq.job(id).state());
        }
    }

    @Test
    void homeThatCannotBeCreatedIsAStorageError() throws Exception {
        Path file = Files.writeString(home.resolve("file"), "not a directory");
        LabqException e = assertThrows(LabqException.class,
                () -> LabqScheduler.builder(file.resolve("home")).config(TestConfigs.small()).start());
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertTrue(e.getMessage().contains("cannot be created"), e.getMessage());
    }

    @Test
    void brokenConfigurationFailsTheStartAndLeavesTheHomeFree() throws Exception {
        Files.createDirectories(home);
        Files.writeString(home.resolve("labq.yaml"), "projects: { astro: { importance: -1 } }\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabqScheduler.builder(home).start());
        assertTrue(e.getMessage().startsWith("invalid projects.astro.importance=-1: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(" + home.resolve("labq.yaml") + " line 1)"), e.getMessage());
        Files.delete(home.resolve("labq.yaml"));
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(List.of(), labq.jobs());
        }
    }

    @Test
    void startThatFailsAfterOpeningTheStoreClosesItCleanly() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            labq.submit(JobSpec.process("default", "ana", "true").build()).outcome().get(30, TimeUnit.SECONDS);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> scheduler()
                .processExecutor(reports -> {
                    throw new IllegalStateException("no cluster reachable");
                }).start());
        assertEquals("no cluster reachable", e.getMessage());
        assertFalse(Views.needRecovery(LabqHome.of(home).views()), "the views were closed, not abandoned");
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.COMPLETED, labq.jobs().get(0).state());
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        LabqScheduler labq = scheduler().start();
        labq.close();
        labq.close();
        labq.tick(); // ignored once closed
        try (LabqScheduler again = scheduler().start()) {
            assertEquals(LabqHome.of(home), again.home());
        }
    }
}
