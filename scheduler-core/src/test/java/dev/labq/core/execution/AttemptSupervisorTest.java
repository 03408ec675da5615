package dev.labq.core.execution;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.CheckpointRequest;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobTable;
import dev.labq.core.time.SettableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The supervisor asking running jobs for checkpoints on their interval, on a virtual clock. */
class AttemptSupervisorTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final JobId JOB = JobId.of(1);

    private final List<String> asked = new ArrayList<>();
    private final SettableClock clock = new SettableClock(T0);
    private final JobExecutor executor = new JobExecutor() {
        @Override public void start(Launch launch) { }
        @Override public void terminate(JobId job, int attempt, EndCause cause) { }
        @Override public void kill(JobId job, int attempt) { }
        @Override public void requestCheckpoint(JobId job, int attempt, String signal) {
            asked.add(job + "#" + attempt + " " + signal + " at " + (clock.millis() - T0) / 1000);
        }
        @Override public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) { return false; }
        @Override public int running() { return 0; }
        @Override public void close() { }
    };
    private final AttemptSupervisor supervisor = new AttemptSupervisor(executor, clock, 0, false, List.of());
    private final JobTable table = new JobTable();
    private long index;

    private void apply(JournalEvent event) {
        for (JobChange change : table.apply(++index, clock.millis(), event)) {
            supervisor.follow(change, true);
        }
    }

    private void at(long seconds) {
        clock.set(T0 + seconds * 1000);
        supervisor.requestCheckpoints();
    }

    @Test
    void aJobIsAskedOnceItsIntervalHasPassedSinceItStartedItsLastCheckpointOrTheLastAsk() {
        apply(new JournalEvent.Submitted(JOB, JobSpec.process("p", "u", "train")
                .checkpointRequest(new CheckpointRequest(60, "usr2")).build()));
        apply(new JournalEvent.Submitted(JobId.of(2), JobSpec.process("p", "u", "train").build()));
        apply(new JournalEvent.Dispatched(JOB, 1, new Allocation(1, 1, List.of())));
        apply(new JournalEvent.Dispatched(JobId.of(2), 1, new Allocation(1, 1, List.of())));
        at(59);
        assertEquals(List.of(), asked);
        at(60);
        assertEquals(List.of("1#1 USR2 at 60"), asked, "once, and never the job that did not ask");
        at(100);
        assertEquals(1, asked.size(), "not again before the interval has passed since the ask");
        clock.set(T0 + 110_000);
        apply(new JournalEvent.CheckpointCommitted(JOB, 1, 1, 1, 10, 10, "c", "filesystem", List.of()));
        at(120);
        assertEquals(1, asked.size());
        at(170);
        assertEquals(List.of("1#1 USR2 at 60", "1#1 USR2 at 170"), asked, "counted from the checkpoint at 110");
        apply(new JournalEvent.Finished(JOB, 1, dev.labq.core.domain.JobState.COMPLETED, 0, null));
        at(1000);
        assertEquals(2, asked.size(), "an ended attempt is not asked");
    }
}
