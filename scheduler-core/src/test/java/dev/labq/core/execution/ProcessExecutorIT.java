package dev.labq.core.execution;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.testkit.Await;
import dev.labq.core.testkit.ExecutionRecorder;
import dev.labq.core.testkit.ExecutionRecorder.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** OS processes started, stopped and re-attached by the executor, observed through its reports. */
@Timeout(60)
class ProcessExecutorIT {
    @TempDir
    Path dir;

    private final ExecutionRecorder reports = new ExecutionRecorder();
    private final List<Process> strays = new ArrayList<>();
    private ProcessExecutor executor;

    private ProcessExecutor executor(ExecutionListener listener) {
        executor = new ProcessExecutor(dir.resolve("logs"), listener);
        return executor;
    }

    @AfterEach
    void cleanUp() {
        if (executor != null) {
            executor.close();
        }
        strays.forEach(Process::destroyForcibly);
    }

    private static Launch launch(long job, JobSpec spec, Integer... gpus) {
        return new Launch(JobId.of(job), 1, spec, new Allocation(1, 256, List.of(gpus)));
    }

    private static JobSpec.Builder process(String... argv) {
        return JobSpec.process("research", "ana", argv);
    }

    private Exit exit(long job) throws Exception {
        return reports.exited(JobId.of(job), 1).get(30, TimeUnit.SECONDS);
    }

    private String stdout(long job) throws Exception {
        return Files.readString(ProcessExecutor.stdoutOf(dir.resolve("logs"), JobId.of(job)));
    }

    private Process spawn(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        strays.add(p);
        return p;
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
    }

    @Test
    void anAttemptHoldingMoreMemoryThanItAskedForIsKilledAsOutOfMemoryAndOneWithinIsLeftAlone() throws Exception {
        executor(reports).start(launch(3, process("python3", "-c", "import time; b = b'x' * (200 << 20); print('held', flush=True); time.sleep(30)")
                .resources(new dev.labq.core.domain.Resources(1, 100, 0, null)).build()));
        executor.start(launch(4, process("sleep", "30").resources(new dev.labq.core.domain.Resources(1, 100, 0, null)).build()));
        reports.started(JobId.of(3), 1).get(30, TimeUnit.SECONDS);
        reports.started(JobId.of(4), 1).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!stdout(3).contains("held")) { // the memory is written before it says so
            assertTrue(System.nanoTime() < deadline, "the job did not take its memory");
            Thread.sleep(20);
        }
        dev.labq.core.monitor.ProcessTreeUsage usage = new dev.labq.core.monitor.ProcessTreeUsage();
        executor.enforceMemory(usage, 0.1);
        Exit killed = exit(3);
        assertEquals(JobExecutor.EndCause.OUT_OF_MEMORY, killed.cause());
        assertTrue(killed.detail().matches("OutOfMemory: \\d+M resident, --mem 100M \\(\\+10% allowed\\)"), killed.detail());
        assertEquals(1, executor.running(), "the sleep, far below its 100M, runs on");
        executor.terminate(JobId.of(4), 1, JobExecutor.EndCause.CANCELLED);
        exit(4);
    }

    @Test
    void processRunsInItsWorkdirWithTheJobEnvironment() throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        executor(reports).start(launch(7, process("sh", "-c",
                "pwd; echo $SEED $LABQ_JOB_ID $LABQ_ATTEMPT $LABQ_PROJECT gpus=$CUDA_VISIBLE_DEVICES; echo err >&2")
                .workdir(work.toString()).env(Map.of("SEED", "42")).build(), 0, 1));
        assertEquals(new Exit(JobId.of(7), 1, 0, null, null), exit(7));
        assertEquals(work.toRealPath() + "\n42 7 1 research gpus=0,1\n", stdout(7));
        assertEquals("err\n", Files.readString(ProcessExecutor.stderrOf(dir.resolve("logs"), JobId.of(7))));
        assertTrue(reports.started(JobId.of(7), 1).getNow(null).pid() > 0);
        assertEquals(List.of("started 7#1", "exited 7#1"), reports.reports());
        assertEquals(0, executor.running());
    }

    @Test
    void jobWithoutGpusSeesAnEmptyDeviceList() throws Exception {
        executor(reports).start(launch(1, process("sh", "-c", "echo \"[$CUDA_VISIBLE_DEVICES]\"").build()));
        exit(1);
        assertEquals("[]\n", stdout(1), "an empty list hides every GPU; unset would show them all");
    }

    @Test
    void shellJobRunsItsArgumentsJoinedThroughSh() throws Exception {
        executor(reports).start(launch(1, process("echo", "a", "&&", "echo", "$((6*7))").shell(true).build()));
        exit(1);
        assertEquals("a\n42\n", stdout(1));
    }

    @Test
    void argumentsWithoutShellArePassedAsTheyAre() throws Exception {
        executor(reports).start(launch(1, process("echo", "a", "&&", "$((6*7))").build()));
        exit(1);
        assertEquals("a && $((6*7))\n", stdout(1));
    }

    @Test
    void missingWorkdirFailsTheStartWith127AndTheReason() throws Exception {
        executor(reports).start(launch(1, process("true").workdir(dir.resolve("gone").toString()).build()));
        Exit exit = exit(1);
        assertEquals(127, exit.exitCode());
        assertTrue(exit.detail().startsWith("cannot start true"), exit.detail());
        assertFalse(reports.started(JobId.of(1), 1).isDone());
    }

    @Test
    void terminateBeforeTheForkMeansTheProcessNeverStarts() throws Exception {
        CountDownLatch launcherBusy = new CountDownLatch(1);
        CountDownLatch releaseLauncher = new CountDownLatch(1);
        ExecutionRecorder blocking = new ExecutionRecorder() {
            @Override
            public void started(JobId job, int attempt, long pid, long pidStartMillis) {
                super.started(job, attempt, pid, pidStartMillis);
                if (job.value() == 1) { // hold the one launcher thread, so job 2 waits to be forked
                    launcherBusy.countDown();
                    try {
                        releaseLauncher.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        executor(blocking).start(launch(1, process("true").build()));
        assertTrue(launcherBusy.await(30, TimeUnit.SECONDS));
        Path marker = dir.resolve("ran");
        executor.start(launch(2, process("touch", marker.toString()).build()));
        executor.terminate(JobId.of(2), 1, JobExecutor.EndCause.CANCELLED);
        releaseLauncher.countDown();
        assertEquals(new Exit(JobId.of(2), 1, -1, JobExecutor.EndCause.CANCELLED, null),
                blocking.exited(JobId.of(2), 1).get(30, TimeUnit.SECONDS));
        assertFalse(blocking.started(JobId.of(2), 1).isDone());
        assertFalse(Files.exists(marker));
        blocking.exited(JobId.of(1), 1).get(30, TimeUnit.SECONDS); // its wrapper is done writing into the logs
    }

    @Test
    void terminateSendsTermAndTheExitCarriesTheCause() throws Exception {
        executor(reports).start(launch(1, process("sleep", "30").build()));
        ExecutionRecorder.Start start = reports.started(JobId.of(1), 1).get(30, TimeUnit.SECONDS);
        assertEquals(startMillis(ProcessHandle.of(start.pid()).orElseThrow()), start.pidStartMillis(),
                "the start time the OS reports: with the pid it tells this process apart from a recycled pid");
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.TIMEOUT);
        assertEquals(new Exit(JobId.of(1), 1, 128 + 15, JobExecutor.EndCause.TIMEOUT, null), exit(1));
    }

    private void awaitReady(long job) {
        Await.until("job " + job + " to print ready", Duration.ofSeconds(30), () -> {
            try {
                return stdout(job).contains("ready");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void killStopsAProcessThatIgnoresTerm() throws Exception {
        executor(reports).start(launch(1, process("sh", "-c", "trap '' TERM; echo ready; exec sleep 30").build()));
        awaitReady(1);
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.CANCELLED);
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.TIMEOUT);
        assertEquals(1, executor.running());
        executor.kill(JobId.of(1), 1);
        assertEquals(new Exit(JobId.of(1), 1, 128 + 9, JobExecutor.EndCause.CANCELLED, null), exit(1),
                "killed by KILL, and the first cause given is kept");
    }

    @Test
    void killReachesTheProcessesTheJobStarted() throws Exception {
        Path childPid = dir.resolve("child.pid");
        executor(reports).start(launch(1, process("sh", "-c",
                "trap '' TERM; sleep 30 & echo $! > " + childPid + "; echo ready; exec sleep 30").build()));
        awaitReady(1);
        long child = Long.parseLong(Files.readString(childPid).trim());
        executor.kill(JobId.of(1), 1);
        assertEquals(128 + 9, exit(1).exitCode());
        Await.until("the job's child to be killed", Duration.ofSeconds(10),
                () -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void killedJobRunsNothingMoreOfItsScript() throws Exception {
        Path after = dir.resolve("after-kill");
        executor(reports).start(launch(1, process("sh", "-c", "trap '' TERM; sleep 30 & first=$!; "
                + "for i in $(seq 100); do sleep 30 & done; echo ready; wait $first; touch " + after).build()));
        awaitReady(1);
        executor.kill(JobId.of(1), 1);
        assertEquals(128 + 9, exit(1).exitCode());
        assertFalse(Files.exists(after), "the script went on after the KILL");
    }

    @Test
    void stoppingAnAttemptThatIsNotRunningIsIgnored() {
        executor(reports);
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.CANCELLED);
        executor.kill(JobId.of(1), 1);
        assertEquals(List.of(), reports.reports());
    }

    @Test
    void reattachWatchesALiveProcessOfAnEarlierRunAndReportsItsEnd() throws Exception {
        Process earlier = spawn("sleep", "30");
        ProcessHandle handle = earlier.toHandle();
        assertTrue(executor(reports).reattach(JobId.of(1), 3, earlier.pid(), startMillis(handle)));
        assertEquals(1, executor.running());
        executor.terminate(JobId.of(1), 3, JobExecutor.EndCause.TIMEOUT);
        Exit exit = reports.exited(JobId.of(1), 3).get(30, TimeUnit.SECONDS);
        assertEquals(-1, exit.exitCode(), "not our child: its exit code cannot be read");
        assertEquals(JobExecutor.EndCause.TIMEOUT, exit.cause());
        assertTrue(exit.detail().contains("exit code unknown"), exit.detail());
        assertFalse(handle.isAlive());
        assertEquals(0, executor.running());
    }

    @Test
    void reattachRefusesAProcessThatIsGone() throws Exception {
        Process gone = spawn("true");
        gone.waitFor(30, TimeUnit.SECONDS);
        assertFalse(executor(reports).reattach(JobId.of(1), 1, gone.pid(), 1_700_000_000_000L));
        assertEquals(0, executor.running());
    }

    @Test
    void reattachRefusesAPidNowUsedByAnotherProcess() throws Exception {
        Process other = spawn("sleep", "30");
        long otherStart = startMillis(other.toHandle());
        assertFalse(executor(reports).reattach(JobId.of(1), 1, other.pid(), otherStart - 60_000),
                "same pid, different start time: a recycled pid");
        assertEquals(0, executor.running());
        assertTrue(other.isAlive(), "and it is left alone");
    }
}
