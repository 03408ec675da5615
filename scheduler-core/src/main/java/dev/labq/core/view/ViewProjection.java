package dev.labq.core.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.policy.usage.AccountUsage;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.Views;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes what the fold changed into the persisted views, and reads a job table and a usage ledger back
 * from them.
 *
 * <p>Per entry: the jobs it changed, the last one first, so that the job the entry is about is written
 * last (its {@link JobStatus#lastIndex()} is what marks the entry applied); the accounts of the usage ledger
 * it changed (each carries the index that last changed it); then the last applied index. A crash between
 * these puts is harmless: an unclean stop rebuilds the views from the journal.
 */
public final class ViewProjection {
    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    private final Views views;

    public ViewProjection(Views views) {
        this.views = views;
    }

    public void write(long index, List<JobChange> changes, List<AccountUsage> usage) {
        for (int i = changes.size() - 1; i >= 0; i--) {
            JobChange change = changes.get(i);
            JobStatus after = change.after();
            views.jobs().put(after.id().value(), encode(after));
            if (after.allocation() != null) {
                views.allocations().put(after.id().value(), encode(after.allocation()));
            } else if (change.before() != null && change.before().allocation() != null) {
                views.allocations().remove(after.id().value());
            }
        }
        for (AccountUsage account : usage) {
            views.usage().put(account.key(), encode(account));
        }
        views.lastAppliedIndex(index);
    }

    /** The fold has reached the end of the journal: the views are whole again. */
    public void rebuildDone() {
        views.rebuildInProgress(false);
    }

    /** A job table holding every job in the views. */
    public static JobTable load(Views views) {
        JobTable table = new JobTable();
        views.jobs().forEach((id, bytes) -> table.restore(decode(bytes, JobStatus.class)));
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
