package dev.labq.core.decision;

import com.lmax.disruptor.EventHandler;
import dev.labq.core.LabqException;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalWriter;
import dev.labq.core.execution.AttemptSupervisor;
import dev.labq.core.intake.CommandIntake;
import dev.labq.core.notify.OutcomeNotifier;
import dev.labq.core.recovery.RestartRecovery;
import dev.labq.core.ring.RingEvent;
import dev.labq.core.state.JobChange;
import dev.labq.core.time.Clock;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.JournalEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The ring's one handler, a router: each journal entry is folded by the {@link DecisionCore} (and written to
 * the views), then followed by the {@link AttemptSupervisor} and the {@link OutcomeNotifier}; client commands
 * go to the {@link CommandIntake}; ticks to the supervisor (time limits); the caught-up marker to
 * {@link RestartRecovery}. After each batch the core decides what starts next.
 *
 * <p>Assumptions and guarantees:
 * <ul>
 *   <li>Runs on the ring's one thread; nothing else touches the parts it routes to.</li>
 *   <li>A process is started only after the fold has applied its {@link Dispatched} entry and the views
 *       record it, so no restart can start the same attempt again.</li>
 *   <li>Effects (start, terminate) are off while rebuilding views from the journal, and no decision is made
 *       before the tailer has caught up with the journal and orphaned attempts are reconciled.</li>
 *   <li>Fail-stop: an entry that cannot be applied stops all applying and deciding.</li>
 * </ul>
 */
public final class DecisionStage implements EventHandler<RingEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionStage.class);
    /**
     * An entry changing more jobs than this has their views written after the decision, a slice per batch and
     * per tick (see {@link ViewProjection}): a 100,000-task array takes about 0.8 s to write here, 0.2 s to fold.
     */
    static final int DEFERRED_BLOCK_JOBS = 2_000;
    /** How long writing deferred views may hold the decision thread after a batch, and on an idle tick. */
    private static final long CATCH_UP_PER_BATCH_NANOS = 10_000_000;
    private static final long CATCH_UP_ON_TICK_NANOS = 50_000_000;

    private final DecisionCore core;
    private final JournalWriter journal;
    private final ViewProjection projection;
    private final CommandIntake intake;
    private final AttemptSupervisor supervisor;
    private final RestartRecovery recovery;
    private final OutcomeNotifier outcomes;
    private final Clock clock;
    private final boolean rebuilding;
    /** Whether a large block's views may be written after the decision on it (there are ticks to finish them). */
    private final boolean deferBlocks;
    private long lastApplied;
    private boolean recovered;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile boolean deciding = true;
    private volatile boolean draining;
    private LongConsumer progress;
    private long progressEvery = Long.MAX_VALUE;
    private long replayed;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Set when an entry cannot be applied: nothing after it may be, so the stage stops (fail-stop). */
    private LabqException failure;
    private final CompletableFuture<LabqException> stopped = new CompletableFuture<>();

    /** The parts the stage routes to; each is used by the decision thread only. */
    public record Parts(DecisionCore core, JournalWriter journal, ViewProjection projection, CommandIntake intake,
                        AttemptSupervisor supervisor, RestartRecovery recovery, OutcomeNotifier outcomes) {
    }

    /**
     * @param deferBlocks whether large blocks' views may be written after deciding on them: only where ticks
     *                    come, which finish writing them when no other event does
     */
    public DecisionStage(Parts parts, Clock clock, long lastApplied, boolean rebuilding, boolean deferBlocks) {
        this.core = parts.core();
        this.journal = parts.journal();
        this.projection = parts.projection();
        this.intake = parts.intake();
        this.supervisor = parts.supervisor();
        this.recovery = parts.recovery();
        this.outcomes = parts.outcomes();
        this.clock = clock;
        this.lastApplied = lastApplied;
        this.rebuilding = rebuilding;
        this.deferBlocks = deferBlocks;
    }

    /** Completes once the journal has been replayed and orphaned attempts reconciled. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    @Override
    public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
        try {
            if (failure != null) {
                if (event.kind() == RingEvent.Kind.COMMAND) {
                    event.command().reply().completeExceptionally(failure);
                }
                return;
            }
            switch (event.kind()) {
                case JOURNAL -> {
                    JournalEntry entry = event.entry();
                    try {
                        apply(entry.index(), entry.timestampMillis(), EventCodec.decode(entry));
                    } catch (RuntimeException e) {
                        stop(new LabqException(LabqException.Kind.STORAGE, "the scheduler cannot apply journal entry "
                                + entry.index() + " (" + e.getMessage() + ") and stopped; fix the cause, check with "
                                + "`labq replay --verify`, then start `labq serve` again", e));
                    }
                }
                case COMMAND -> intake.handle(event.command(), lastApplied);
                case TICK -> {
                    supervisor.enforceTimeLimits();
                    supervisor.requestCheckpoints();
                    catchUpViews(CATCH_UP_ON_TICK_NANOS);
                }
                case CAUGHT_UP -> {
                    try {
                        recover();
                    } catch (RuntimeException e) {
                        stop(new LabqException(LabqException.Kind.STORAGE, "the scheduler cannot recover the jobs of "
                                + "its last run (" + e.getMessage() + ")", e));
                    }
                }
            }
        } finally {
            event.clear();
        }
        if (failure != null) {
            return;
        }
        if (draining && supervisor.idle()) {
            drained.complete(null);
        }
        if (endOfBatch) {
            if (recovered && deciding) {
                for (Dispatched decision : core.decide(clock.millis())) {
                    journal.append(decision);
                }
            }
            catchUpViews(CATCH_UP_PER_BATCH_NANOS);
            intake.caughtUpTo(lastApplied);
        }
    }

    /** Writes views owed by a large block; views that cannot be written stop the stage, as an entry that cannot be applied does. */
    private void catchUpViews(long budgetNanos) {
        if (failure != null) {
            return;
        }
        try {
            projection.catchUp(core.table(), budgetNanos);
        } catch (RuntimeException e) {
            stop(new LabqException(LabqException.Kind.STORAGE, "the scheduler cannot write its views (" + e.getMessage()
                    + ") and stopped; fix the cause (a full disk?), then start `labq serve` again", e));
        }
    }

    /** Told how many entries were replayed so far, every {@code every} entries until caught up (a progress bar). */
    public void replayProgress(LongConsumer progress, long every) {
        this.progress = progress;
        this.progressEvery = every;
    }

    private void apply(long index, long timestampMillis, JournalEvent event) {
        if (!recovered && progress != null && ++replayed % progressEvery == 0) {
            progress.accept(replayed);
        }
        List<JobChange> changes = core.apply(index, timestampMillis, event);
        projection.writeDevices(core.table().devices().drainChanged());
        if (deferBlocks && recovered && changes.size() > DEFERRED_BLOCK_JOBS) {
            projection.writeLater(index, changes, core.ledger().drainChanged());
        } else {
            projection.write(index, changes, core.ledger().drainChanged());
        }
        lastApplied = index;
        intake.applied(event);
        for (JobChange change : changes) {
            supervisor.follow(change, recovered);
            outcomes.changed(change); // after the supervisor, so awaiting code sees a started attempt's state
        }
    }

    private void recover() {
        recovery.recover();
        journal.journal().sequenceAtLeast(core.table().maxId());
        journal.append(new JournalEvent.SchedulerStarted(ProcessHandle.current().pid()));
        if (rebuilding) {
            projection.rebuildDone();
        }
        recovered = true;
        caughtUp.complete(null);
    }

    /** Completes when the stage stopped because the journal could not be applied; the scheduler must go. */
    public CompletableFuture<LabqException> stopped() {
        return stopped;
    }

    /** Stops applying and deciding: a fold with a hole in it would make wrong decisions. */
    private void stop(LabqException why) {
        LOG.error(why.getMessage(), why.getCause());
        failure = why;
        deciding = false;
        caughtUp.completeExceptionally(why);
        intake.refuseDeferred(why);
        stopped.complete(why);
    }

    /** No new decisions from now on (the scheduler is closing); entries already journaled still apply. */
    public void stopDeciding() {
        deciding = false;
    }

    /** Stops deciding; completes once no job runs any more (checked on this stage's thread). */
    public CompletableFuture<Void> drain() {
        deciding = false;
        draining = true;
        return drained;
    }

    /** Commands still waiting for their own writes to be folded fail rather than hang; outcomes likewise. */
    @Override
    public void onShutdown() {
        try {
            projection.catchUp(core.table(), Long.MAX_VALUE); // a clean stop leaves whole views
        } finally {
            intake.refuseDeferred(new LabqException(LabqException.Kind.STORAGE, "the scheduler stopped before answering; retry"));
            outcomes.close();
        }
    }
}
