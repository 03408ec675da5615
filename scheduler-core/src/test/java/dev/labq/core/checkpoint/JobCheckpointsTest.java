package dev.labq.core.checkpoint;

import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.checkpoint.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpoint protocol over a real store: who may commit, what the journal is told, where a retry resumes. */
class JobCheckpointsTest {
    private static final JobId JOB = JobId.of(7);

    @TempDir
    Path dir;

    private final JobTable table = new JobTable();
    private long index;
    private final List<JournalEvent> journaled = new ArrayList<>();

    private JobCheckpoints checkpoints(String store, int keep) {
        return new JobCheckpoints(LabqHome.of(dir), new LabqConfig.Checkpoints(store, keep));
    }

    private void apply(JournalEvent event) {
        index++;
        table.apply(index, index * 1000, event);
    }

    private JobStatus running(int attempt) {
        if (table.get(JOB) == null) {
            apply(new JournalEvent.Submitted(JOB, JobSpec.process("p", "u", "train").build()));
        }
        apply(new JournalEvent.Dispatched(JOB, attempt, new Allocation(1, 1, List.of())));
        return table.get(JOB);
    }

    private JournalEvent.CheckpointCommitted commit(JobCheckpoints c, int attempt, String state) throws IOException {
        Files.writeString(c.staging(JOB, attempt).resolve("state"), state);
        JobCheckpoints.Receipt receipt = c.commit(table.get(JOB), attempt, 5000, true, this::apply);
        assertEquals(receipt.number(), receipt.committed().number());
        return receipt.committed();
    }

    @Test
    void aCompletedJobsCheckpointsGoUnlessTheConfigurationKeepsThem() throws IOException {
        JobCheckpoints c = checkpoints("filesystem", 3);
        running(1);
        c.prepareStaging(JOB, 1);
        commit(c, 1, "1");
        commit(c, 1, "2");
        c.discardCompleted(JOB, this::apply).join();
        assertEquals(List.of(), c.list(JOB));
        assertEquals(List.of(), table.get(JOB).checkpoints(), "each deletion journaled");
        c.discardCompleted(JOB, this::apply).join(); // again (a second completion): nothing left, nothing journaled
        assertEquals(4 + 2, index, "submitted, dispatched, two commits, two deletions");

        JobCheckpoints kept = new JobCheckpoints(LabqHome.of(dir), new LabqConfig.Checkpoints("filesystem", 3, true));
        commit(kept, 1, "3");
        kept.discardCompleted(JOB, this::apply).join();
        assertEquals(List.of(3L), kept.list(JOB).stream().map(CheckpointInfo::number).toList());
    }

    @Test
    void theRunningAttemptCommitsAndTheJobKeepsTheNewestItsStoreKeeps() throws IOException {
        JobCheckpoints c = checkpoints("filesystem", 2);
        running(1);
        assertTrue(Files.isDirectory(c.prepareStaging(JOB, 1)));
        JournalEvent.CheckpointCommitted first = commit(c, 1, "1");
        assertEquals(1, first.number());
        assertEquals("filesystem", first.store());
        commit(c, 1, "2");
        JournalEvent.CheckpointCommitted third = commit(c, 1, "3");
        assertEquals(List.of(1L), third.pruned(), "two kept");
        assertEquals(List.of(2L, 3L), table.get(JOB).checkpoints().stream().map(r -> r.number()).toList());
        assertEquals(3, table.get(JOB).lastCheckpoint().number());
        assertEquals(List.of(2L, 3L), c.list(JOB).stream().map(CheckpointInfo::number).toList());
        assertTrue(c.list(JOB).stream().allMatch(CheckpointInfo::verified));
    }

    @Test
    void onlyTheAttemptRunningNowMayCommit() throws IOException {
        JobCheckpoints c = checkpoints("filesystem", 3);
        apply(new JournalEvent.Submitted(JOB, JobSpec.process("p", "u", "train").build()));
        LabqException pending = assertThrows(LabqException.class, () -> c.commit(table.get(JOB), 1, 0, true, journaled::add));
        assertEquals(LabqException.Kind.ILLEGAL_STATE, pending.kind());
        assertTrue(pending.getMessage().contains("job=7 is PENDING, not running attempt 1"), pending.getMessage());
        running(1);
        c.prepareStaging(JOB, 1);
        LabqException stale = assertThrows(LabqException.class, () -> c.commit(table.get(JOB), 2, 0, true, journaled::add));
        assertTrue(stale.getMessage().contains("is RUNNING as attempt 1, not running attempt 2"), stale.getMessage());
        LabqException empty = assertThrows(LabqException.class, () -> c.commit(table.get(JOB), 1, 0, true, journaled::add));
        assertEquals(LabqException.Kind.INVALID_INPUT, empty.kind());
        assertTrue(empty.getMessage().contains("holds no file"), empty.getMessage());
    }

    @Test
    void aNewAttemptResumesFromTheNewestValidCheckpointAndQuarantinesTheDamagedOnes() throws IOException {
        JobCheckpoints c = checkpoints("chunked", 5);
        running(1);
        c.prepareStaging(JOB, 1);
        commit(c, 1, "one");
        commit(c, 1, "two");
        JournalEvent.CheckpointCommitted third = commit(c, 1, "three");
        Files.writeString(c.staging(JOB, 1).resolve("half-written"), "x");
        apply(new JournalEvent.Finished(JOB, 1, JobState.FAILED, 137, "killed"));
        corruptChunksOf(c, third.number());

        running(2);
        Path staging = c.prepareStaging(JOB, 2);
        assertFalse(Files.exists(c.staging(JOB, 1)), "the failed attempt's uncommitted state is gone");
        assertTrue(Files.isDirectory(staging));
        JobCheckpoints.Resume resume = c.resumePoint(JOB, journaled::add).orElseThrow();
        assertEquals(2, resume.number());
        assertEquals("two", Files.readString(resume.directory().resolve("state")));
        assertEquals(1, journaled.size());
        JournalEvent.CheckpointQuarantined q = (JournalEvent.CheckpointQuarantined) journaled.get(0);
        assertEquals(3, q.number());
        apply(q);
        assertEquals(List.of(1L, 2L), table.get(JOB).checkpoints().stream().map(r -> r.number()).toList());
        assertEquals(List.of(3L), c.store().quarantined(JOB.toString()));
    }

    /** Damages the one chunk of checkpoint {@code number}'s state (its content is its own, so no other shares it). */
    private static void corruptChunksOf(JobCheckpoints c, long number) throws IOException {
        Path manifest = c.store().find(JOB.toString(), number).orElseThrow().path().resolve("MANIFEST");
        String chunk = Files.readAllLines(manifest).stream().filter(l -> l.startsWith("chunk ")).findFirst().orElseThrow().substring(6);
        Path file = manifest.getParent().getParent().getParent().resolve(".chunks").resolve(chunk.substring(0, 2)).resolve(chunk);
        byte[] b = Files.readAllBytes(file);
        b[b.length - 1] ^= 0x55;
        Files.write(file, b);
    }

    @Test
    void verifyingQuarantinesWhatFailsAndDeletingIsJournaled() throws IOException {
        JobCheckpoints c = checkpoints("filesystem", 5);
        running(1);
        c.prepareStaging(JOB, 1);
        commit(c, 1, "a");
        JournalEvent.CheckpointCommitted second = commit(c, 1, "b");
        Path data = c.store().find(JOB.toString(), second.number()).orElseThrow().path().resolve("data/state");
        data.toFile().setWritable(true);
        Files.writeString(data, "c");
        assertEquals(List.of(true, false), c.verifyAll(JOB, journaled::add).stream().map(v -> v.valid()).toList());
        assertEquals(1, journaled.size());
        assertFalse(c.list(JOB).stream().anyMatch(i -> i.number() == 2));

        JournalEvent.CheckpointDeleted deleted = c.delete(JOB, 1);
        apply(deleted);
        assertEquals(List.of(), c.list(JOB));
        LabqException unknown = assertThrows(LabqException.class, () -> c.delete(JOB, 1));
        assertEquals(LabqException.Kind.UNKNOWN_JOB, unknown.kind());
        assertTrue(c.resumePoint(JOB, journaled::add).isEmpty());
        c.discardStaging(JOB, 1);
        assertFalse(Files.exists(c.staging(JOB, 1)));
        assertEquals(LabqException.Kind.STORAGE, JobCheckpoints.translate(
                new CheckpointException(CheckpointException.Problem.STORAGE, "disk")).kind());
    }

    @Test
    void aCommitThatDoesNotWaitTakesTheFilesAtOnceAndJournalsOnceDurable() throws IOException {
        try (JobCheckpoints c = checkpoints("filesystem", 3)) {
            running(1);
            c.prepareStaging(JOB, 1);
            Files.writeString(c.staging(JOB, 1).resolve("state"), "early");
            JobCheckpoints.Receipt receipt = c.commit(table.get(JOB), 1, 5000, false, journaled::add);
            assertEquals(1, receipt.number());
            assertEquals(5, receipt.bytes());
            assertEquals(null, receipt.committed(), "not waited for");
            assertFalse(Files.exists(c.staging(JOB, 1).resolve("state")), "taken at once");
            c.awaitCommits(JOB);
            assertEquals(1, journaled.size());
            assertEquals(1, ((JournalEvent.CheckpointCommitted) journaled.get(0)).number());
            Files.writeString(c.staging(JOB, 1).resolve("state"), "later");
            c.commit(table.get(JOB), 1, 6000, false, journaled::add);
            assertEquals("later", Files.readString(c.resumePoint(JOB, journaled::add).orElseThrow().directory().resolve("state")),
                    "a new attempt waits for the commit under way");
        }
    }

    @Test
    void anUnknownStoreOrKeepIsRefusedInTheConfiguration() {
        assertThrows(dev.labq.core.domain.InvalidInputException.class, () -> new LabqConfig.Checkpoints("s3", 1));
        assertThrows(dev.labq.core.domain.InvalidInputException.class, () -> new LabqConfig.Checkpoints(null, 0));
        assertEquals("filesystem", LabqConfig.Checkpoints.DEFAULTS.store());
        assertEquals(3, LabqConfig.Checkpoints.DEFAULTS.keep());
    }
}
