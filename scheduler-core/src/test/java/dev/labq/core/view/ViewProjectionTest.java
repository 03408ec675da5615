package dev.labq.core.view;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.Views;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A large block's views written after the decision: the applied index waits for them, and they end up current. */
class ViewProjectionTest {
    @TempDir
    Path dir;

    private Views views;
    private ViewProjection projection;
    private final JobTable table = new JobTable();

    @BeforeEach
    void open() {
        views = Views.openForWriter(dir, 1_000);
        projection = new ViewProjection(views);
    }

    @AfterEach
    void close() {
        views.close();
    }

    private JobStatus stored(long id) {
        byte[] bytes = views.jobs().get(id);
        return bytes == null ? null : ViewProjection.decode(bytes, JobStatus.class);
    }

    @Test
    void aJobChangedTwiceByOneEntryIsStoredAsItEndsUp() {
        projection.write(1, table.apply(1, 1000, new JournalEvent.Submitted(JobId.of(1), JobSpec.process("p", "u", "x").build())), List.of());
        table.apply(2, 2000, new JournalEvent.CancelRequested(JobId.of(1)));
        // submitted after a job that has ended unsuccessfully: pending, then cancelled, in one entry
        List<dev.labq.core.state.JobChange> changes = table.apply(3, 3000, new JournalEvent.Submitted(JobId.of(2),
                JobSpec.process("p", "u", "x").afterOk(JobId.of(1)).build()));
        assertEquals(2, changes.size());
        projection.write(3, changes, List.of());
        assertEquals(JobState.CANCELLED, stored(2).state());
    }

    @Test
    void devicesOutOfServiceAreStoredAndReadBackAndOneBackInServiceIsRemoved() {
        table.apply(1, 1000, new JournalEvent.GpuDrained(0, "fan"));
        table.apply(2, 2000, new JournalEvent.GpuFailed(3, "gone"));
        projection.writeDevices(table.devices().drainChanged());
        assertEquals(java.util.Map.of(), table.devices().drainChanged(), "drained: written once");
        JobTable loaded = ViewProjection.load(views);
        assertEquals(table.devices().all(), loaded.devices().all());
        assertEquals(new dev.labq.core.state.DeviceStates.OutOfService(0, dev.labq.core.state.DeviceStates.Service.DRAINED,
                "fan", 1000), loaded.devices().get(0).orElseThrow());
        table.apply(3, 3000, new JournalEvent.GpuResumed(0));
        table.apply(4, 4000, new JournalEvent.GpuResumed(5)); // never out of service: nothing to write
        projection.writeDevices(table.devices().drainChanged());
        assertEquals(List.of(3), ViewProjection.load(views).devices().all().stream().map(d -> d.gpu()).toList());
    }

    @Test
    void catchingUpWithNothingDeferredRecordsNothing() {
        projection.write(5, List.of(), List.of());
        projection.catchUp(table, Long.MAX_VALUE);
        assertEquals(5, views.lastAppliedIndex());
    }

    @Test
    void deferredJobsAreWrittenAsTheTableHasThemAndOnlyThenIsTheIndexRecorded() {
        projection.write(1, table.apply(1, 1000, new JournalEvent.Submitted(JobId.of(1), JobSpec.process("p", "u", "x").build())), List.of());
        JournalEvent.ArraySubmitted array = new JournalEvent.ArraySubmitted(JobId.of(2),
                JobSpec.process("p", "u", "sweep").build(), ArraySpec.parse("0-599"));
        projection.writeLater(2, table.apply(2, 2000, array), List.of());
        assertTrue(projection.behind());
        assertNull(stored(2), "not written yet");
        assertEquals(1, views.lastAppliedIndex());

        Allocation one = new Allocation(1, 256, List.of());
        projection.write(3, table.apply(3, 3000, new JournalEvent.Dispatched(JobId.of(2), 1, one)), List.of());
        assertEquals(JobState.RUNNING, stored(2).state(), "later entries are written as they come");
        assertEquals(1, views.lastAppliedIndex(), "still before the block");

        projection.catchUp(table, 0); // a slice: at least one batch of puts, then the budget is spent
        assertTrue(projection.behind());
        assertTrue(stored(300) == null || stored(301) == null, "not all of it at once");
        projection.catchUp(table, Long.MAX_VALUE);
        assertFalse(projection.behind());
        assertEquals(3, views.lastAppliedIndex(), "the last entry written while behind");
        assertEquals(JobState.RUNNING, stored(2).state(), "written from the table: not back to PENDING");
        assertEquals(JobState.PENDING, stored(601).state());
        assertEquals(599, stored(601).spec().array().taskId());
        assertTrue(views.allocations().get(2L) != null);
        projection.write(4, List.of(), List.of());
        assertEquals(4, views.lastAppliedIndex(), "back to recording each entry");
    }
}
