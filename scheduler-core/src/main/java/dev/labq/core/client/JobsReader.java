package dev.labq.core.client;

import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.Fold;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import dev.labq.store.Views;
import dev.labq.store.lock.ExclusiveFileLock;

import java.nio.file.Files;

/**
 * Reads the state of every job without a scheduler: the views when they are safe to open, plus the
 * journal entries after them; or, when the last writer died and nobody has recovered the views yet, a
 * fold of the whole journal, so a reader never waits on a dead writer's segment lock.
 */
public final class JobsReader {
    private JobsReader() {
    }

    public static JobTable fold(LabqHome home) {
        return foldWithUsage(home, null).table();
    }

    /**
     * The jobs and, with a configuration, the usage ledger (without one, an empty ledger on the default
     * configuration, not kept up): views plus the journal after them.
     */
    public static Fold foldWithUsage(LabqHome home, LabqConfig config) {
        requireHome(home);
        LabqConfig ledgerConfig = config != null ? config : LabqConfig.defaults();
        if (!Files.isDirectory(home.journal())) {
            return new Fold(new JobTable(), new UsageLedger(ledgerConfig));
        }
        boolean viewsSafe = Views.exist(home.views())
                && (!Views.needRecovery(home.views()) || ExclusiveFileLock.isHeld(home.lock()));
        Fold fold;
        long after;
        if (viewsSafe) {
            try (Views views = Views.openForReader(home.views())) {
                JobTable table = ViewProjection.load(views);
                fold = new Fold(table, config != null ? ViewProjection.loadLedger(views, config, table) : new UsageLedger(ledgerConfig));
                after = views.lastAppliedIndex();
            }
        } else {
            fold = new Fold(new JobTable(), new UsageLedger(ledgerConfig));
            after = Journal.BEFORE_FIRST;
        }
        try (Journal journal = Journal.openReadOnly(home.journal())) {
            if (after > journal.lastIndex()) { // views ahead of the journal: trust the journal
                fold = new Fold(new JobTable(), new UsageLedger(ledgerConfig));
                after = Journal.BEFORE_FIRST;
            }
            foldInto(fold, journal, after, Long.MAX_VALUE);
        }
        return fold;
    }

    /** A home that exists must be a directory; one that does not is simply empty. */
    static void requireHome(LabqHome home) {
        if (Files.exists(home.root()) && !Files.isDirectory(home.root())) {
            throw new LabqException(LabqException.Kind.STORAGE, "home=" + home.root()
                    + " is not a directory; choose a writable --home directory or set LABQ_HOME");
        }
    }

    /** Applies the entries after {@code afterIndex} up to and including {@code untilIndex}. */
    public static void foldInto(Fold fold, Journal journal, long afterIndex, long untilIndex) {
        try (JournalReader reader = journal.reader(afterIndex)) {
            for (JournalEntry e = reader.next(); e != null && e.index() <= untilIndex; e = reader.next()) {
                fold.apply(e.index(), e.timestampMillis(), EventCodec.decode(e));
            }
        }
    }

    /** The reason a pending job shows when no scheduler runs. */
    static JobStatus withOfflineReason(JobTable table, JobStatus job) {
        if (job.state() != JobState.PENDING) {
            return job;
        }
        String waiting = table.dependencyReason(job);
        String reason = waiting == null ? "NoScheduler" : waiting;
        return job.withReason(reason);
    }
}
