package dev.labq.core.execution;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Processes to one executor, tasks to the other, and later calls to whichever ran the job. */
class RoutingExecutorTest {

    /** Records the calls it gets, in order, as "start 1#1", "terminate 1#1 TIMEOUT"... */
    private static final class Fake implements JobExecutor {
        final List<String> calls = new ArrayList<>();
        boolean reattachable;
        int running;
        boolean closed;

        @Override public void start(Launch l) { calls.add("start " + l.job() + "#" + l.attempt()); }
        @Override public void terminate(JobId job, int attempt, EndCause cause) { calls.add("terminate " + job + "#" + attempt + " " + cause); }
        @Override public void kill(JobId job, int attempt) { calls.add("kill " + job + "#" + attempt); }
        @Override public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
            calls.add("reattach " + job + "#" + attempt + " pid " + pid);
            return reattachable;
        }
        @Override public int running() { return running; }
        @Override public void close() { closed = true; }
    }

    private final Fake processes = new Fake();
    private final Fake tasks = new Fake();
    private final RoutingExecutor routing = new RoutingExecutor(processes, tasks);

    private static Launch process(long job) {
        return new Launch(JobId.of(job), 1, JobSpec.process("default", "ana", "true").build(), new Allocation(1, 256, List.of()));
    }

    private static Launch task(long job) {
        return new Launch(JobId.of(job), 1, JobSpec.task("t", "default", "ana").build(), new Allocation(1, 256, List.of()));
    }

    @Test
    void processesAndTasksStartOnTheirOwnExecutor() {
        routing.start(process(1));
        routing.start(task(2));
        assertEquals(List.of("start 1#1"), processes.calls);
        assertEquals(List.of("start 2#1"), tasks.calls);
    }

    @Test
    void stoppingAnAttemptReachesTheExecutorRunningIt() {
        routing.start(process(1));
        routing.start(task(2));
        routing.terminate(JobId.of(1), 1, JobExecutor.EndCause.CANCELLED);
        routing.kill(JobId.of(1), 1);
        routing.terminate(JobId.of(2), 1, JobExecutor.EndCause.TIMEOUT);
        routing.kill(JobId.of(2), 1);
        assertTrue(processes.calls.containsAll(List.of("terminate 1#1 CANCELLED", "kill 1#1")), processes.calls.toString());
        assertTrue(tasks.calls.containsAll(List.of("terminate 2#1 TIMEOUT", "kill 2#1")), tasks.calls.toString());
        assertFalse(processes.calls.contains("start 2#1"));
    }

    @Test
    void reattachIsAskedOfTheProcessExecutorOnlyAndTheProcessCanThenBeStopped() {
        processes.reattachable = true;
        assertTrue(routing.reattach(JobId.of(3), 2, 4242, 99));
        routing.kill(JobId.of(3), 2);
        assertEquals(List.of("reattach 3#2 pid 4242", "kill 3#2"), processes.calls);
        assertFalse(tasks.calls.stream().anyMatch(c -> c.startsWith("reattach")), "tasks never outlive their JVM");
    }

    @Test
    void goneProcessIsNotReattached() {
        assertFalse(routing.reattach(JobId.of(3), 2, 4242, 99));
    }

    @Test
    void runningCountsBothAndCloseClosesBoth() {
        processes.running = 2;
        tasks.running = 3;
        assertEquals(5, routing.running());
        routing.close();
        assertTrue(processes.closed);
        assertTrue(tasks.closed);
    }
}
