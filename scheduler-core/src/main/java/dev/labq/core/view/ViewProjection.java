package dev.labq.core.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.Views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes what the fold changed into the persisted views, and reads a job table back from them.
 *
 * <p>Per entry: the jobs it changed, the last one first, so that the job the entry is about is written
 * last (its {@link JobStatus#lastIndex()} is what marks the entry applied); the usage of a job that ended,
 * once per entry ({@link Usage#chargedThroughIndex()}); then the last applied index. A crash between these
 * puts is harmless: the entry is applied again at restart and redoes only what it had not done.
 */
public final class ViewProjection {
    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    private final Views views;

    public ViewProjection(Views views) {
        this.views = views;
    }

    public void write(long index, List<JobChange> changes) {
        for (int i = changes.size() - 1; i >= 0; i--) {
            JobChange change = changes.get(i);
            JobStatus after = change.after();
            views.jobs().put(after.id().value(), encode(after));
            if (after.allocation() != null) {
                views.allocations().put(after.id().value(), encode(after.allocation()));
            } else if (change.before() != null && change.before().allocation() != null) {
                views.allocations().remove(after.id().value());
                charge(change.before(), after, index);
            }
        }
        views.lastAppliedIndex(index);
    }

    /** The fold has reached the end of the journal: the views are whole again. */
    public void rebuildDone() {
        views.rebuildInProgress(false);
    }

    private void charge(JobStatus ran, JobStatus ended, long index) {
        if (ended.startMillis() == null || ended.endMillis() == null) {
            return;
        }
        double seconds = Math.max(0, ended.endMillis() - ended.startMillis()) / 1000.0;
        for (String key : List.of("project:" + ended.spec().project(), "user:" + ended.spec().user())) {
            byte[] old = views.usage().get(key);
            Usage u = old == null ? new Usage(0, 0, 0, 0, -1) : decode(old, Usage.class);
            if (index <= u.chargedThroughIndex()) {
                continue; // charged before a crash cut this entry short
            }
            views.usage().put(key, encode(new Usage(u.jobs() + 1,
                    u.cpuSeconds() + seconds * ran.allocation().cpus(),
                    u.gpuSeconds() + seconds * ran.allocation().gpuIds().size(),
                    u.failed() + (ended.state() == JobState.COMPLETED ? 0 : 1), index)));
        }
    }

    /**
     * Accumulated usage of a project or a user.
     *
     * @param chargedThroughIndex the journal index of the last entry charged here
     */
    public record Usage(long jobs, double cpuSeconds, double gpuSeconds, long failed, long chargedThroughIndex) {
    }

    /** A job table holding every job in the views. */
    public static JobTable load(Views views) {
        JobTable table = new JobTable();
        views.jobs().forEach((id, bytes) -> table.restore(decode(bytes, JobStatus.class)));
        return table;
    }

    public static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("a view entry cannot be decoded; rebuild the views with `labq replay --rebuild`", e);
        }
    }
}
