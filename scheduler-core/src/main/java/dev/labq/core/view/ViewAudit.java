package dev.labq.core.view;

import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.client.JobsReader;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.policy.usage.AccountUsage;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.DeviceStates;
import dev.labq.core.state.Fold;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.store.Journal;
import dev.labq.store.Views;
import dev.labq.store.lock.ExclusiveFileLock;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Checks the views against a fresh fold of the journal ({@code labq replay --verify}) and rebuilds them
 * from it ({@code labq replay --rebuild}).
 */
public final class ViewAudit {
    private ViewAudit() {
    }

    /** What a verification found. */
    public record Report(long entriesFolded, long lastAppliedIndex, int jobs, int accounts, List<String> differences) {
        public boolean agrees() {
            return differences.isEmpty();
        }
    }

    /**
     * Folds the journal up to the views' last applied index and compares every job. With no scheduler
     * running it takes the lock and opens the views as their writer (recovering them if needed); with one
     * running it reads them live.
     */
    public static Report verify(LabqHome home) {
        return verify(home, LabqConfig.load(home.root()));
    }

    /** {@link #verify(LabqHome)} with the usage ledger folded under {@code config}. */
    public static Report verify(LabqHome home, LabqConfig config) {
        requireJournal(home);
        if (!Views.exist(home.views())) {
            throw new LabqException(LabqException.Kind.VERIFY_FAILED, "views=" + home.views()
                    + " are missing; `labq serve` or `labq replay --rebuild` builds them from the journal");
        }
        Optional<ExclusiveFileLock> lock = ExclusiveFileLock.tryAcquire(home.lock());
        try (Views views = lock.isPresent() ? Views.openForWriter(home.views(), 0) : Views.openForReader(home.views());
             Journal journal = Journal.openReadOnly(home.journal())) {
            long until = views.lastAppliedIndex();
            Fold fold = new Fold(new JobTable(), new UsageLedger(config));
            JobsReader.foldInto(fold, journal, Journal.BEFORE_FIRST, until);
            JobTable stored = ViewProjection.load(views);
            List<String> differences = compare(fold.table(), stored, until);
            differences.addAll(compareUsage(fold.ledger(), ViewProjection.loadLedger(views, config, stored), until));
            differences.addAll(compareDevices(fold.table().devices(), stored.devices()));
            return new Report(countUpTo(journal, until), until, fold.table().size(), fold.ledger().accounts().size(),
                    differences);
        } finally {
            lock.ifPresent(ExclusiveFileLock::close);
        }
    }

    /**
     * Every job of the fold against the views. A view written by an entry after {@code until} is ahead, not
     * wrong: the writer had not recorded the index yet (a crash between the puts, or a large block's jobs
     * still being written, see {@link ViewProjection}); it cannot be checked at {@code until} and is skipped.
     */
    private static List<String> compare(JobTable fold, JobTable stored, long until) {
        TreeMap<Long, JobStatus> expected = new TreeMap<>();
        fold.all().forEach(j -> expected.put(j.id().value(), j));
        TreeMap<Long, JobStatus> actual = new TreeMap<>();
        stored.all().stream().filter(j -> j.lastIndex() <= until).forEach(j -> actual.put(j.id().value(), j));
        Set<Long> ahead = new HashSet<>();
        stored.all().stream().filter(j -> j.lastIndex() > until).forEach(j -> ahead.add(j.id().value()));
        List<String> differences = new ArrayList<>();
        expected.forEach((id, job) -> {
            JobStatus seen = actual.remove(id);
            if (seen == null && ahead.contains(id)) {
                return;
            }
            if (seen == null) {
                differences.add("job " + id + ": in the journal (" + job.state() + ") but missing from the views");
            } else if (!seen.equals(job)) {
                differences.add("job " + id + ": views say " + seen.state() + " (entry " + seen.lastIndex()
                        + "), journal says " + job.state() + " (entry " + job.lastIndex() + ")");
            }
        });
        actual.forEach((id, job) -> differences.add("job " + id + ": in the views (" + job.state() + ") but not in the journal"));
        return differences;
    }

    /** The usage view against the ledger of a fresh fold (done with the same configuration). */
    private static List<String> compareUsage(UsageLedger fold, UsageLedger stored, long until) {
        TreeMap<String, AccountUsage> expected = new TreeMap<>();
        fold.accounts().forEach(a -> expected.put(a.key(), a));
        TreeMap<String, AccountUsage> actual = new TreeMap<>();
        Set<String> ahead = new HashSet<>();
        stored.accounts().forEach(a -> {
            if (a.lastIndex() > until) {
                ahead.add(a.key());
            } else {
                actual.put(a.key(), a);
            }
        });
        List<String> differences = new ArrayList<>();
        expected.forEach((key, account) -> {
            AccountUsage seen = actual.remove(key);
            if (seen == null) {
                if (account.lastIndex() >= 0 && !ahead.contains(key)) {
                    differences.add("usage " + key + ": in the journal but missing from the views");
                }
            } else if (!seen.equals(account)) {
                differences.add("usage " + key + ": views say " + seen.cpuSeconds() + " CPU-s, " + seen.gpuSeconds()
                        + " GPU-s (entry " + seen.lastIndex() + "), journal says " + account.cpuSeconds() + " CPU-s, "
                        + account.gpuSeconds() + " GPU-s (entry " + account.lastIndex() + ")");
            }
        });
        actual.forEach((key, account) -> differences.add("usage " + key + ": in the views but not in the journal"));
        return differences;
    }

    /** The devices out of service in the views against the fold's. */
    private static List<String> compareDevices(DeviceStates fold, DeviceStates stored) {
        List<String> differences = new ArrayList<>();
        TreeMap<Integer, DeviceStates.OutOfService> actual = new TreeMap<>();
        stored.all().forEach(d -> actual.put(d.gpu(), d));
        for (DeviceStates.OutOfService expected : fold.all()) {
            DeviceStates.OutOfService seen = actual.remove(expected.gpu());
            if (!expected.equals(seen)) {
                differences.add("gpu " + expected.gpu() + ": journal says " + expected.service() + ", views say "
                        + (seen == null ? "in service" : seen.service()));
            }
        }
        actual.forEach((gpu, d) -> differences.add("gpu " + gpu + ": views say " + d.service() + ", journal says in service"));
        return differences;
    }

    private static long countUpTo(Journal journal, long until) {
        long n = 0;
        try (var reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (var e = reader.next(); e != null && e.index() <= until; e = reader.next()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Rebuilds the views from the whole journal; needs the scheduler stopped. {@code progress} is told the
     * number of entries folded so far.
     */
    public static long rebuild(LabqHome home, LongConsumer progress) {
        return rebuild(home, LabqConfig.load(home.root()), progress);
    }

    /** {@link #rebuild(LabqHome, LongConsumer)} with the usage ledger folded under {@code config}. */
    public static long rebuild(LabqHome home, LabqConfig config, LongConsumer progress) {
        requireJournal(home);
        ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(home.lock()).orElseThrow(() -> new LabqException(
                LabqException.Kind.ALREADY_RUNNING, "home=" + home.root() + " has a running scheduler (pid "
                + ExclusiveFileLock.holderPid(home.lock()) + "); stop it before rebuilding the views"));
        try (lock; Views views = Views.openForWriter(home.views(), 0);
             Journal journal = Journal.openReadOnly(home.journal())) {
            views.rebuildInProgress(true); // an interrupted rebuild is redone by the next scheduler
            views.clear();
            Fold fold = new Fold(new JobTable(), new UsageLedger(config));
            ViewProjection projection = new ViewProjection(views);
            long n = 0;
            try (var reader = journal.reader(Journal.BEFORE_FIRST)) {
                for (var e = reader.next(); e != null; e = reader.next()) {
                    List<dev.labq.core.state.JobChange> changes = fold.apply(e.index(), e.timestampMillis(),
                            dev.labq.core.event.EventCodec.decode(e));
                    projection.writeDevices(fold.table().devices().drainChanged());
                    projection.write(e.index(), changes, fold.ledger().drainChanged());
                    if (++n % 10_000 == 0) {
                        progress.accept(n);
                    }
                }
            }
            progress.accept(n);
            views.rebuildInProgress(false);
            return n;
        }
    }

    private static void requireJournal(LabqHome home) {
        if (!Files.isDirectory(home.journal())) {
            throw new LabqException(LabqException.Kind.STORAGE, "home=" + home.root()
                    + " has no journal; check --home or LABQ_HOME");
        }
    }
}
