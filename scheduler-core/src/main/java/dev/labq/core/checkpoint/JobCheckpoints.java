package dev.labq.core.checkpoint;

import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobStatus;
import dev.labq.store.checkpoint.Checkpoint;
import dev.labq.store.checkpoint.CheckpointException;
import dev.labq.store.checkpoint.CheckpointStore;
import dev.labq.store.checkpoint.CheckpointStores;
import dev.labq.store.checkpoint.StoreFiles;
import dev.labq.store.checkpoint.Verification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * labq's checkpoint protocol for jobs, over the configured {@link CheckpointStore}: a job writes its state into
 * its staging directory ({@value #DIR_VARIABLE}) and commits it with {@code labq checkpoint commit}; a later
 * attempt gets the newest checkpoint that verifies as {@value #RESUME_VARIABLE}, and one that does not verify is
 * quarantined and the one before it tried. Every change is returned, or handed, as the journal event to append.
 *
 * <p>Thread-safe: the store locks what processes share; here only the commits still being made durable are kept.
 */
public final class JobCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobCheckpoints.class);
    public static final String DIR_VARIABLE = "LABQ_CHECKPOINT_DIR";
    public static final String RESUME_VARIABLE = "LABQ_RESUME_FROM";

    private final LabqHome home;
    private final CheckpointStore store;
    private final int keep;
    private final boolean keepCompleted;
    private final Map<Long, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private ExecutorService persisting;

    public JobCheckpoints(LabqHome home, LabqConfig.Checkpoints config) {
        this.home = home;
        this.store = CheckpointStores.open(config.store(), home.checkpoints().resolve(config.store()));
        this.keep = config.keep();
        this.keepCompleted = config.keepCompleted();
    }

    public CheckpointStore store() {
        return store;
    }

    /**
     * The staging directory of the job's attempt: what it writes there, {@code labq checkpoint commit} commits. One per
     * attempt, so a commit a killed attempt left running cannot take what the next one writes.
     */
    public Path staging(JobId job, int attempt) {
        return home.checkpoints().resolve("staging").resolve(job.toString()).resolve(Integer.toString(attempt));
    }

    /**
     * The staging directory for a new attempt, empty: what earlier attempts that failed or were killed half wrote is
     * no checkpoint, and is removed.
     */
    public Path prepareStaging(JobId job, int attempt) throws IOException {
        StoreFiles.deleteTree(home.checkpoints().resolve("staging").resolve(job.toString()));
        return Files.createDirectories(staging(job, attempt));
    }

    /** Removes what the ended attempt left uncommitted in its staging directory. */
    public void discardStaging(JobId job, int attempt) {
        try {
            StoreFiles.deleteTree(staging(job, attempt));
        } catch (IOException e) {
            // left for the job's next attempt to clear
        }
    }

    /**
     * What a commit answers the job: the checkpoint's number and size, and the journaled entry once it is durable
     * ({@code null} while labq is still making it so, when the job did not ask to wait).
     */
    public record Receipt(long number, int files, long bytes, JournalEvent.CheckpointCommitted committed) {
    }

    /**
     * Commits the staging directory of {@code job}'s attempt {@code attempt} as its next checkpoint. Only the attempt
     * running now may commit: a late commit of an attempt that has ended would pass off its state as the current
     * one's. The staged files are taken at once; checksumming, fsync and making the checkpoint visible follow on
     * labq's own thread unless {@code wait}, so the job computes on meanwhile (CheckFreq's split of snapshot and
     * persist). {@code journal} gets the {@link JournalEvent.CheckpointCommitted} once it is durable.
     */
    public Receipt commit(JobStatus job, int attempt, long nowMillis, boolean wait, Consumer<JournalEvent> journal) {
        if (job.state() != JobState.RUNNING || job.attempt() != attempt) {
            throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "job=" + job.id() + " is " + job.state()
                    + (job.state() == JobState.RUNNING ? " as attempt " + job.attempt() : "") + ", not running attempt "
                    + attempt + "; `labq checkpoint commit` commits from inside the job's running attempt");
        }
        CheckpointStore.PendingCheckpoint pending;
        try {
            pending = store.begin(job.id().toString(), staging(job.id(), attempt), nowMillis, keep);
        } catch (CheckpointException e) {
            throw translate(e);
        }
        if (wait) {
            JournalEvent.CheckpointCommitted committed = finish(job.id(), attempt, pending);
            journal.accept(committed);
            return new Receipt(pending.number(), pending.files(), pending.bytes(), committed);
        }
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try {
                journal.accept(finish(job.id(), attempt, pending));
            } catch (LabqException e) {
                LOG.warn("checkpoint {} of job {} was not committed: {}", pending.number(), job.id(), e.getMessage());
            }
        }, persisting());
        inFlight.put(job.id().value(), done); // one at a time per job: the next begin waits for this one's lock
        done.whenComplete((ok, e) -> inFlight.remove(job.id().value(), done));
        return new Receipt(pending.number(), pending.files(), pending.bytes(), null);
    }

    /**
     * Commits the staging directory of attempt {@code attempt} of {@code job}, which the caller knows is running
     * now (an in-process task committing through its context), durable when it returns.
     */
    public JournalEvent.CheckpointCommitted commitRunning(JobId job, int attempt, long nowMillis) {
        try {
            return finish(job, attempt, store.begin(job.toString(), staging(job, attempt), nowMillis, keep));
        } catch (CheckpointException e) {
            throw translate(e);
        }
    }

    private JournalEvent.CheckpointCommitted finish(JobId job, int attempt, CheckpointStore.PendingCheckpoint pending) {
        String owner = job.toString();
        Set<Long> before = numbers(store.list(owner));
        Checkpoint c;
        try {
            c = pending.finish();
        } catch (CheckpointException e) {
            throw translate(e);
        }
        Set<Long> after = numbers(store.list(owner));
        List<Long> pruned = before.stream().filter(n -> !after.contains(n)).sorted().toList();
        return new JournalEvent.CheckpointCommitted(job, attempt, c.number(), c.files(), c.bytes(), c.storedBytes(),
                c.checksum(), store.provider(), pruned);
    }

    private synchronized ExecutorService persisting() {
        if (persisting == null) {
            AtomicInteger n = new AtomicInteger();
            persisting = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "labq-checkpoint-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return persisting;
    }

    /** Waits for the commits of {@code job} still being made durable (before a new attempt looks for its newest). */
    public void awaitCommits(JobId job) {
        CompletableFuture<Void> pending = inFlight.get(job.value());
        if (pending != null) {
            pending.join();
        }
    }

    /** Finishes the commits under way (a clean stop loses none), then stops its threads. */
    @Override
    public synchronized void close() {
        if (persisting != null) {
            persisting.shutdown();
            try {
                if (!persisting.awaitTermination(5, TimeUnit.MINUTES)) {
                    LOG.warn("checkpoint commits still under way after 5 minutes; the checkpoints before them stay the newest");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            persisting = null;
        }
    }

    /** Where a new attempt of {@code job} resumes from: the checkpoint's number and the directory with its files. */
    public record Resume(long number, Path directory) {
    }

    /**
     * The newest checkpoint of {@code job} that verifies; every newer one that does not is quarantined, and
     * {@code journal} gets its {@link JournalEvent.CheckpointQuarantined}. Empty when none is left.
     */
    public Optional<Resume> resumePoint(JobId job, Consumer<JournalEvent> journal) {
        awaitCommits(job);
        String owner = job.toString();
        List<Checkpoint> all = new ArrayList<>(store.list(owner));
        for (int i = all.size() - 1; i >= 0; i--) {
            long number = all.get(i).number();
            Verification v = store.verify(owner, number);
            if (v.valid()) {
                return Optional.of(new Resume(number, store.open(owner, number, home.checkpoints().resolve("restore").resolve(owner))));
            }
            quarantine(job, v, journal);
        }
        return Optional.empty();
    }

    /** Verifies every checkpoint of {@code job}, quarantining (and journaling) the ones that fail. */
    public List<Verification> verifyAll(JobId job, Consumer<JournalEvent> journal) {
        List<Verification> out = new ArrayList<>();
        for (Checkpoint c : store.list(job.toString())) {
            Verification v = store.verify(job.toString(), c.number());
            if (!v.valid()) {
                quarantine(job, v, journal);
            }
            out.add(v);
        }
        return out;
    }

    /** Deletes checkpoint {@code number} of {@code job}; returns the entry to journal. */
    public JournalEvent.CheckpointDeleted delete(JobId job, long number) {
        try {
            store.delete(job.toString(), number);
        } catch (CheckpointException e) {
            throw translate(e);
        }
        return new JournalEvent.CheckpointDeleted(job, number);
    }

    /**
     * A job has completed: unless {@code checkpoints.keepCompleted}, its checkpoints are deleted in the background,
     * after its commits still under way, each deletion handed to {@code journal}. What the store no longer holds
     * (a replay, a second call) is skipped. Returns when the deletions are done.
     */
    public CompletableFuture<Void> discardCompleted(JobId job, Consumer<JournalEvent> journal) {
        if (keepCompleted) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> pending = inFlight.getOrDefault(job.value(), CompletableFuture.completedFuture(null));
        return pending.<Void>handleAsync((done, failed) -> {
            for (Checkpoint c : store.list(job.toString())) {
                journal.accept(delete(job, c.number()));
            }
            return null;
        }, persisting()).whenComplete((done, failed) -> {
            if (failed != null) {
                LOG.warn("the checkpoints of completed job {} could not all be deleted: {}", job, failed.toString());
            }
        });
    }

    /** The job's checkpoints in the store, oldest first, each verified now. */
    public List<CheckpointInfo> list(JobId job) {
        List<CheckpointInfo> out = new ArrayList<>();
        for (Checkpoint c : store.list(job.toString())) {
            Verification v = store.verify(job.toString(), c.number());
            out.add(new CheckpointInfo(c.number(), c.createdMillis(), c.files(), c.bytes(), c.checksum(), v.valid(),
                    v.problem(), c.path().toString()));
        }
        return out;
    }

    private void quarantine(JobId job, Verification v, Consumer<JournalEvent> journal) {
        store.quarantine(job.toString(), v.number());
        journal.accept(new JournalEvent.CheckpointQuarantined(job, v.number(), v.problem()));
    }

    private static Set<Long> numbers(List<Checkpoint> checkpoints) {
        Set<Long> out = new HashSet<>();
        checkpoints.forEach(c -> out.add(c.number()));
        return out;
    }

    /** A store's refusal as the error labq reports: bad staging is bad input, an unknown number an unknown name. */
    public static LabqException translate(CheckpointException e) {
        return switch (e.problem()) {
            case INVALID_STAGING -> new LabqException(LabqException.Kind.INVALID_INPUT, e.getMessage(), e);
            case UNKNOWN_CHECKPOINT -> new LabqException(LabqException.Kind.UNKNOWN_JOB, e.getMessage(), e);
            case STORAGE -> new LabqException(LabqException.Kind.STORAGE, e.getMessage(), e);
        };
    }
}
