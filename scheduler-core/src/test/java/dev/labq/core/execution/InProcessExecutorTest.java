package dev.labq.core.execution;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.testkit.ExecutionRecorder;
import dev.labq.core.testkit.ExecutionRecorder.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** In-process tasks of the embedding API, driven directly with a recording listener. */
@Timeout(30)
class InProcessExecutorTest {
    private final ExecutionRecorder reports = new ExecutionRecorder();
    private InProcessExecutor executor = new InProcessExecutor(2, reports);

    @AfterEach
    void close() {
        executor.close();
    }

    private static Launch launch(long job, int attempt) {
        return new Launch(JobId.of(job), attempt, JobSpec.task("t" + job, "default", "ana").build(),
                new Allocation(1, 256, List.of()));
    }

    private Exit run(long job, LabqTask task) throws Exception {
        executor.register(JobId.of(job), task);
        executor.start(launch(job, 1));
        return reports.exited(JobId.of(job), 1).get(10, TimeUnit.SECONDS);
    }

    @Test
    void taskExitCodeIsReportedAfterAStartWithNoPid() throws Exception {
        assertEquals(new Exit(JobId.of(1), 1, 3, null, null), run(1, (id, attempt) -> 3));
        ExecutionRecorder.Start start = reports.started(JobId.of(1), 1).getNow(null);
        assertEquals(0, start.pid());
        assertEquals(List.of("started 1#1", "exited 1#1"), reports.reports());
        assertEquals(0, executor.running());
    }

    @Test
    void taskGetsItsJobIdAndAttempt() throws Exception {
        executor.register(JobId.of(4), (id, attempt) -> (int) id.value() * 10 + attempt);
        executor.start(launch(4, 2));
        assertEquals(42, reports.exited(JobId.of(4), 2).get(10, TimeUnit.SECONDS).exitCode());
    }

    @Test
    void taskThatThrowsFailsWithTheExceptionAsDetail() throws Exception {
        Exit exit = run(1, (id, attempt) -> {
            throw new IOException("disk full");
        });
        assertEquals(new Exit(JobId.of(1), 1, 1, null, "IOException: disk full"), exit);
    }

    @Test
    void unregisteredTaskFailsAtOnceWithoutStarting() throws Exception {
        executor.start(launch(9, 1));
        Exit exit = reports.exited(JobId.of(9), 1).get(10, TimeUnit.SECONDS);
        assertEquals(-1, exit.exitCode());
        assertTrue(exit.detail().contains("not registered in this JVM"), exit.detail());
        assertEquals(List.of("exited 9#1"), reports.reports());
    }

    @Test
    void taskRunsOnlyOnceEvenIfStartedAgain() throws Exception {
        run(1, (id, attempt) -> 0);
        executor.start(launch(1, 2));
        assertTrue(reports.exited(JobId.of(1), 2).get(10, TimeUnit.SECONDS).detail().contains("not registered"),
                "a registered task is consumed by its first attempt");
    }

    @Test
    void terminateInterruptsARunningTaskAndRemembersWhy() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        executor.register(JobId.of(1), (id, attempt) -> {
            running.countDown();
            new CountDownLatch(1).await();
            return 0;
        });
        executor.start(launch(1, 1));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        assertEquals(1, executor.running());
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.TIMEOUT);
        assertEquals(new Exit(JobId.of(1), 1, -1, JobExecutor.EndCause.TIMEOUT, "interrupted"),
                reports.exited(JobId.of(1), 1).get(10, TimeUnit.SECONDS));
    }

    @Test
    void killStopsATaskAsCancelled() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        executor.register(JobId.of(1), (id, attempt) -> {
            running.countDown();
            new CountDownLatch(1).await();
            return 0;
        });
        executor.start(launch(1, 1));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        executor.kill(JobId.of(1), 1);
        assertEquals(JobExecutor.EndCause.CANCELLED, reports.exited(JobId.of(1), 1).get(10, TimeUnit.SECONDS).cause());
    }

    @Test
    void taskTerminatedWhileQueuedNeverRuns() throws Exception {
        executor.close();
        executor = new InProcessExecutor(1, reports);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        executor.register(JobId.of(1), (id, attempt) -> {
            firstRunning.countDown();
            gate.await();
            return 0;
        });
        executor.register(JobId.of(2), (id, attempt) -> {
            throw new AssertionError("must not run");
        });
        executor.start(launch(1, 1));
        assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
        executor.start(launch(2, 1));
        executor.terminate(JobId.of(2), 1, JobExecutor.EndCause.CANCELLED);
        gate.countDown();
        assertEquals(new Exit(JobId.of(2), 1, -1, JobExecutor.EndCause.CANCELLED, null),
                reports.exited(JobId.of(2), 1).get(10, TimeUnit.SECONDS));
        assertFalse(reports.started(JobId.of(2), 1).isDone(), "a task stopped in the queue is never reported started");
    }

    @Test
    void terminateOfAnotherAttemptOrAnUnknownJobIsIgnored() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        executor.register(JobId.of(1), (id, attempt) -> {
            running.countDown();
            finish.await();
            return 0;
        });
        executor.start(launch(1, 2));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.CANCELLED);
        executor.terminate(JobId.of(8), 1, JobExecutor.EndCause.CANCELLED);
        finish.countDown();
        assertEquals(new Exit(JobId.of(1), 2, 0, null, null), reports.exited(JobId.of(1), 2).get(10, TimeUnit.SECONDS));
    }

    @Test
    void interruptOfOneTaskDoesNotLeakIntoTheNextOnTheSameThread() throws Exception {
        executor.close();
        executor = new InProcessExecutor(1, reports);
        CountDownLatch running = new CountDownLatch(1);
        executor.register(JobId.of(1), (id, attempt) -> {
            running.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                return 5; // a task may handle the interrupt itself
            }
            return 0;
        });
        executor.start(launch(1, 1));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        executor.terminate(JobId.of(1), 1, JobExecutor.EndCause.CANCELLED);
        assertEquals(new Exit(JobId.of(1), 1, 5, JobExecutor.EndCause.CANCELLED, null),
                reports.exited(JobId.of(1), 1).get(10, TimeUnit.SECONDS));
        assertEquals(0, run(2, (id, attempt) -> Thread.currentThread().isInterrupted() ? 1 : 0).exitCode());
    }

    @Test
    void tasksCannotBeReattachedAfterARestart() {
        assertFalse(executor.reattach(JobId.of(1), 1, ProcessHandle.current().pid(), 0));
    }

    @Test
    void taskThatThrowsAnErrorStillEndsFailed() throws Exception {
        executor.register(JobId.of(1), (id, attempt) -> {
            throw new StackOverflowError("too deep");
        });
        executor.start(launch(1, 1));
        Exit exit = reports.exited(JobId.of(1), 1).get(5, TimeUnit.SECONDS);
        assertEquals(1, exit.exitCode());
        assertTrue(exit.detail().contains("StackOverflowError"), exit.detail());
        assertEquals(0, executor.running());
    }

    @Test
    void aCheckpointingTaskRetriedGoesOnFromItsLastCheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home)
            throws Exception {
        executor.close();
        dev.labq.core.checkpoint.JobCheckpoints checkpoints = new dev.labq.core.checkpoint.JobCheckpoints(
                dev.labq.core.LabqHome.of(home), dev.labq.core.config.LabqConfig.Checkpoints.DEFAULTS);
        executor = new InProcessExecutor(1, reports, checkpoints, dev.labq.core.time.Clock.system());
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        executor.register(JobId.of(5), LabqTask.checkpointing(context -> {
            int step = context.restore().map(b -> Integer.parseInt(new String(b))).orElse(0);
            seen.add("attempt " + context.attempt() + " from " + step);
            for (step++; step <= 4; step++) {
                context.checkpoint(Integer.toString(step).getBytes());
                if (step == 2 && context.attempt() == 1) {
                    return 1; // fails midway
                }
            }
            return 0;
        }));
        executor.start(launch(5, 1));
        assertEquals(1, reports.exited(JobId.of(5), 1).get(10, TimeUnit.SECONDS).exitCode());
        executor.start(launch(5, 2));
        assertEquals(0, reports.exited(JobId.of(5), 2).get(10, TimeUnit.SECONDS).exitCode(), "registered still: it failed");
        assertEquals(List.of("attempt 1 from 0", "attempt 2 from 2"), seen);
        assertEquals(4, reports.journaled().stream().filter(e -> e instanceof dev.labq.core.event.JournalEvent.CheckpointCommitted).count());
        assertTrue(reports.journaled().contains(new dev.labq.core.event.JournalEvent.CheckpointResumed(JobId.of(5), 2, 2)));
        executor.start(launch(5, 3));
        assertTrue(reports.exited(JobId.of(5), 3).get(10, TimeUnit.SECONDS).detail().contains("not registered"),
                "a task that succeeded is done with");

        InProcessExecutor bare = new InProcessExecutor(1, reports);
        bare.register(JobId.of(6), LabqTask.checkpointing(context -> (int) context.checkpoint(new byte[1])));
        bare.start(launch(6, 1));
        assertTrue(reports.exited(JobId.of(6), 1).get(10, TimeUnit.SECONDS).detail().contains("no checkpoint store"));
        bare.close();
        assertThrows(UnsupportedOperationException.class, () -> ((CheckpointingTask) c -> 0).run(JobId.of(1), 1));
    }
}

