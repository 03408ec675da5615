package dev.labq.core.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.JobId;
import dev.labq.core.policy.usage.AccountUsage;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.DeviceStates;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.Views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what the fold changed into the persisted views, and reads a job table and a usage ledger back
 * from them.
 *
 * <p>Per entry: the jobs it changed, the last one first, so that the job the entry is about is written
 * last (its {@link JobStatus#lastIndex()} is what marks the entry applied); the accounts of the usage ledger
 * it changed (each carries the index that last changed it); then the last applied index. A crash between
 * these puts is harmless: an unclean stop rebuilds the views from the journal.
 *
 * <p>The jobs of a large block (an array of 100,000 tasks) may be written later instead ({@link #writeLater}),
 * a slice at a time ({@link #catchUp}), so that its first tasks start while the rest are written: writing
 * takes longer than folding and deciding together. Meanwhile every later entry is written as usual, but the
 * last applied index stays before the block until the last of its jobs is written, each from the job table
 * as it is by then; a clean stop writes them all first.
 */
public final class ViewProjection {
    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    private final Views views;
    /** Ids of jobs whose views are still to be written; {@link #nextDeferred} is the first of them. */
    private final ArrayDeque<long[]> deferred = new ArrayDeque<>();
    private int nextDeferred;
    /** The last entry written while jobs were deferred: the applied index once they are written. */
    private long appliedWhileBehind;

    public ViewProjection(Views views) {
        this.views = views;
    }

    public void write(long index, List<JobChange> changes, List<AccountUsage> usage) {
        // A job changed twice by one entry (submitted and at once cancelled or completed) is written as it ends up.
        Map<Long, JobStatus> latest = changes.size() > 1 ? new HashMap<>() : null;
        for (int i = changes.size() - 1; i >= 0; i--) {
            JobChange change = changes.get(i);
            JobStatus after = change.after();
            boolean hadAllocation = change.before() != null && change.before().allocation() != null;
            JobStatus written = latest == null ? null : latest.putIfAbsent(after.id().value(), after);
            if (written == null) {
                writeJob(after, hadAllocation);
            } else if (hadAllocation && written.allocation() == null) {
                views.allocations().remove(after.id().value());
            }
        }
        writeUsage(usage);
        applied(index);
    }

    /** Like {@link #write}, but the jobs are written by {@link #catchUp}, and the applied index waits for them. */
    public void writeLater(long index, List<JobChange> changes, List<AccountUsage> usage) {
        long[] ids = new long[changes.size()];
        for (int i = 0; i < ids.length; i++) {
            JobChange change = changes.get(i);
            ids[i] = change.after().id().value();
            if (change.before() != null && change.before().allocation() != null && change.after().allocation() == null) {
                views.allocations().remove(ids[i]); // the job as written later has none: a few, written now
            }
        }
        if (ids.length > 0) {
            deferred.add(ids);
        }
        writeUsage(usage);
        applied(index);
    }

    /** Whether some jobs' views are still to be written. */
    public boolean behind() {
        return !deferred.isEmpty();
    }

    /**
     * Writes deferred jobs as {@code table} has them now, until none is left or {@code budgetNanos} have passed;
     * records the applied index once none is left.
     */
    public void catchUp(JobTable table, long budgetNanos) {
        if (deferred.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        int written = 0;
        while (!deferred.isEmpty()) {
            long[] ids = deferred.peek();
            JobStatus job = table.get(JobId.of(ids[nextDeferred]));
            if (job != null) {
                writeJob(job, false);
            }
            if (++nextDeferred == ids.length) {
                deferred.poll();
                nextDeferred = 0;
            }
            if ((++written & 255) == 0 && System.nanoTime() - start > budgetNanos) {
                return;
            }
        }
        views.lastAppliedIndex(appliedWhileBehind);
    }

    private void writeJob(JobStatus job, boolean hadAllocation) {
        views.jobs().put(job.id().value(), encode(job));
        if (job.allocation() != null) {
            views.allocations().put(job.id().value(), encode(job.allocation()));
        } else if (hadAllocation) {
            views.allocations().remove(job.id().value());
        }
    }

    /** Writes the devices whose service changed: an out-of-service state, or its removal when back in service. */
    public void writeDevices(Map<Integer, DeviceStates.OutOfService> changed) {
        changed.forEach((gpu, state) -> {
            if (state == null) {
                views.devices().remove((long) gpu);
            } else {
                views.devices().put((long) gpu, encode(state));
            }
        });
    }

    private void writeUsage(List<AccountUsage> usage) {
        for (AccountUsage account : usage) {
            views.usage().put(account.key(), encode(account));
        }
    }

    private void applied(long index) {
        if (deferred.isEmpty()) {
            views.lastAppliedIndex(index);
        } else {
            appliedWhileBehind = index;
        }
    }

    /** The fold has reached the end of the journal: the views are whole again. */
    public void rebuildDone() {
        views.rebuildInProgress(false);
    }

    /** A job table holding every job in the views. */
    public static JobTable load(Views views) {
        JobTable table = new JobTable();
        views.jobs().forEach((id, bytes) -> table.restore(decode(bytes, JobStatus.class)));
        views.devices().forEach((gpu, bytes) -> table.devices().restore(decode(bytes, DeviceStates.OutOfService.class)));
        return table;
    }

    /** The usage ledger in the views; the running jobs of {@code table} are put back into it. */
    public static UsageLedger loadLedger(Views views, LabqConfig config, JobTable table) {
        UsageLedger ledger = new UsageLedger(config);
        views.usage().forEach((key, bytes) -> ledger.restore(decode(bytes, AccountUsage.class)));
        table.all().forEach(ledger::restoreRunning);
        return ledger;
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
