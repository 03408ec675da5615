package dev.labq.core.decision;

import com.lmax.disruptor.EventHandler;
import dev.labq.core.LabqException;
import dev.labq.core.SchedulerListener;
import dev.labq.core.domain.AllowedTransitions;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.execution.InProcessExecutor;
import dev.labq.core.execution.JobExecutor;
import dev.labq.core.execution.Launch;
import dev.labq.core.intake.JournalLookup;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.ring.Command;
import dev.labq.core.ring.RingEvent;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.time.Clock;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The single writer of scheduling state: folds each journal entry (and writes the views), validates and
 * journals client commands, enforces time limits on ticks, and after each batch decides what starts next.
 *
 * <p>Assumptions and guarantees:
 * <ul>
 *   <li>Runs on the ring's one thread; nothing else touches the {@link DecisionCore}.</li>
 *   <li>A client's reply completes only after its command is in the journal.</li>
 *   <li>A process is started only after the fold has applied its {@link Dispatched} entry and the views
 *       record it, so no restart can start the same attempt again.</li>
 *   <li>Effects (start, terminate) are off while rebuilding views from the journal, and no decision is made
 *       before the tailer has caught up with the journal and orphaned attempts are reconciled.</li>
 * </ul>
 */
public final class DecisionStage implements EventHandler<RingEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionStage.class);

    private final DecisionCore core;
    private final Journal journal;
    private final ViewProjection projection;
    private final JobExecutor executor;
    private final InProcessExecutor tasks;
    private final SubmissionValidator validator;
    private final Clock clock;
    private final long killGraceMillis;
    private final int maxAttempts;
    private final List<SchedulerListener> listeners;
    private final java.util.concurrent.Executor callbacks = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labq-callbacks");
        t.setDaemon(true);
        return t;
    });

    private final Map<Long, JobStatus> running = new HashMap<>();
    private final Set<String> launchedHere = new HashSet<>();
    private final Set<Long> timedOut = new HashSet<>();
    private final Map<Long, Long> killAt = new HashMap<>();
    private final Set<Long> acceptedNotApplied = new HashSet<>();
    private final Map<Long, List<CompletableFuture<JobStatus>>> watchers = new HashMap<>();
    private final List<Command> deferred = new ArrayList<>();
    private long lastApplied;
    private long appendedUpTo = Journal.BEFORE_FIRST;
    private final boolean rebuilding;
    /** Attempts whose dispatch this run folded while replaying: never forked, so started once caught up. */
    private final Set<Long> startAfterReplay = new HashSet<>();
    private boolean recovered;
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile boolean deciding = true;
    private volatile boolean draining;
    private java.util.function.LongConsumer progress;
    private long progressEvery = Long.MAX_VALUE;
    private long replayed;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Set when an entry cannot be applied: nothing after it may be, so the stage stops (fail-stop). */
    private LabqException failure;
    private final CompletableFuture<LabqException> stopped = new CompletableFuture<>();

    public DecisionStage(DecisionCore core, Journal journal, ViewProjection projection, JobExecutor executor,
                         InProcessExecutor tasks, SubmissionValidator validator, Clock clock, long killGraceMillis,
                         int maxAttempts, List<SchedulerListener> listeners, long lastApplied, boolean rebuilding) {
        this.core = core;
        this.journal = journal;
        this.projection = projection;
        this.executor = executor;
        this.tasks = tasks;
        this.validator = validator;
        this.clock = clock;
        this.killGraceMillis = killGraceMillis;
        this.maxAttempts = maxAttempts;
        this.listeners = listeners;
        this.lastApplied = lastApplied;
        this.rebuilding = rebuilding;
        for (JobStatus job : core.table().all()) {
            if (job.state() == JobState.RUNNING) {
                running.put(job.id().value(), job);
            }
        }
    }

    /** Completes once the journal has been replayed and orphaned attempts reconciled. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    @Override
    public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
        try {
            if (failure != null) {
                refuse(event);
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
                case COMMAND -> handle(event.command());
                case TICK -> enforceTimeLimits();
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
        if (draining && running.isEmpty()) {
            drained.complete(null);
        }
        if (endOfBatch) {
            if (recovered) {
                dispatch();
            }
            if (!deferred.isEmpty() && lastApplied >= appendedUpTo) {
                List<Command> ready = List.copyOf(deferred);
                deferred.clear();
                ready.forEach(this::handle);
            }
        }
    }

    /** Told how many entries were replayed so far, every {@code every} entries until caught up (a progress bar). */
    public void replayProgress(java.util.function.LongConsumer progress, long every) {
        this.progress = progress;
        this.progressEvery = every;
    }

    private void apply(long index, long timestampMillis, JournalEvent event) {
        if (!recovered && progress != null && ++replayed % progressEvery == 0) {
            progress.accept(replayed);
        }
        List<JobChange> changes = core.apply(index, timestampMillis, event);
        projection.write(index, changes);
        lastApplied = index;
        if (event instanceof JournalEvent.Submitted s) {
            acceptedNotApplied.remove(s.job().value());
        }
        for (JobChange change : changes) {
            follow(change);
            for (SchedulerListener listener : listeners) {
                try {
                    listener.jobChanged(change);
                } catch (RuntimeException | Error e) { // listeners are the embedder's code: never let them stall scheduling
                    LOG.warn("listener {} failed on job {}: {}", listener, change.after().id(), e.toString());
                }
            }
            if (change.after().isTerminal()) { // after the listeners, so awaiting code sees what they saw
                List<CompletableFuture<JobStatus>> waiting = watchers.remove(change.after().id().value());
                if (waiting != null) {
                    // Off this thread: code chained on an outcome may call the scheduler and wait for it.
                    waiting.forEach(f -> f.completeAsync(change::after, callbacks));
                }
            }
        }
    }

    private void follow(JobChange change) {
        JobStatus before = change.before();
        JobStatus after = change.after();
        long id = after.id().value();
        boolean wasRunning = before != null && before.state() == JobState.RUNNING;
        if (after.state() == JobState.RUNNING) {
            running.put(id, after);
            if (!wasRunning) {
                if (recovered) {
                    launch(after);
                } else if (!rebuilding) {
                    // Beyond what the views had folded, so never forked; but a crash may have left other
                    // attempts running, so nothing starts before recover() has seen them all.
                    startAfterReplay.add(id);
                }
            }
            if (after.cancelRequested() && (before == null || !before.cancelRequested()) && recovered) {
                executor.terminate(after.id(), after.attempt(), JobExecutor.EndCause.CANCELLED);
                killAt.put(id, clock.millis() + killGraceMillis);
            }
        } else if (wasRunning) {
            startAfterReplay.remove(id);
            running.remove(id);
            killAt.remove(id);
            timedOut.remove(id);
        }
    }

    private void launch(JobStatus job) {
        launchedHere.add(attemptKey(job));
        executor.start(new Launch(job.id(), job.attempt(), job.spec(), job.allocation()));
    }

    private void handle(Command command) {
        if (!(command instanceof Command.Submit) && lastApplied < appendedUpTo) {
            deferred.add(command); // read your own writes: answer once what this stage journaled is folded
            return;
        }
        try {
            if (command instanceof Command.Submit s) {
                submit(s);
            } else if (command instanceof Command.Control c) {
                c.reply().complete(control(c));
            } else if (command instanceof Command.Snapshot s) {
                s.reply().complete(snapshot(s.ids()));
            }
        } catch (RuntimeException e) {
            reply(command).completeExceptionally(e);
        }
    }

    private void submit(Command.Submit s) {
        JobSpec spec = validator.accept(s.spec(), this::exists);
        Journal.Numbered numbered = EventCodec.appendSubmission(journal, clock.millis(), spec);
        appendedUpTo = numbered.index();
        JobId id = JobId.of(numbered.number());
        acceptedNotApplied.add(id.value());
        if (s.task() != null) {
            tasks.register(id, s.task());
        }
        if (s.outcome() != null) {
            watchers.computeIfAbsent(id.value(), k -> new ArrayList<>(1)).add(s.outcome());
        }
        s.reply().complete(id);
    }

    private boolean exists(JobId id) {
        return core.table().contains(id) || acceptedNotApplied.contains(id.value())
                || JournalLookup.submittedAfter(journal, lastApplied, id);
    }

    private JobStatus control(Command.Control c) {
        JobStatus job = core.table().get(c.job());
        if (job == null) {
            throw new UnknownJobException("job", c.job());
        }
        JournalEvent event = switch (c.action()) {
            case HOLD -> {
                AllowedTransitions.check(job.id(), job.state(), JobState.HELD);
                yield new JournalEvent.Held(c.job());
            }
            case RELEASE -> {
                if (job.state() != JobState.HELD) {
                    // only a held job is released; PENDING -> PENDING is no transition at all
                    throw new IllegalJobStateChangeException(job.id(), job.state(), JobState.PENDING);
                }
                yield new JournalEvent.Released(c.job());
            }
            case CANCEL -> {
                AllowedTransitions.check(job.id(), job.state(), JobState.CANCELLED);
                yield new JournalEvent.CancelRequested(c.job());
            }
        };
        append(event);
        return job;
    }

    private List<JobStatus> snapshot(List<JobId> ids) {
        List<JobStatus> out = new ArrayList<>();
        if (ids.isEmpty()) {
            for (JobStatus job : core.table().all()) {
                out.add(withReason(job));
            }
        } else {
            for (JobId id : ids) {
                JobStatus job = core.table().get(id);
                if (job == null) {
                    throw new UnknownJobException("job", id);
                }
                out.add(withReason(job));
            }
        }
        return out;
    }

    private JobStatus withReason(JobStatus job) {
        if (job.state() != JobState.PENDING && job.state() != JobState.HELD) {
            return job;
        }
        return job.withReason(core.pendingReason(job));
    }

    private void enforceTimeLimits() {
        long now = clock.millis();
        for (JobStatus job : running.values()) {
            Long limit = job.spec().timeLimitSeconds();
            long id = job.id().value();
            if (limit != null && job.startMillis() != null && !timedOut.contains(id)
                    && now >= job.startMillis() + limit * 1000) {
                timedOut.add(id);
                executor.terminate(job.id(), job.attempt(), JobExecutor.EndCause.TIMEOUT);
                killAt.putIfAbsent(id, now + killGraceMillis);
            }
        }
        killAt.entrySet().removeIf(due -> {
            if (now < due.getValue()) {
                return false;
            }
            JobStatus job = running.get(due.getKey());
            if (job != null) {
                executor.kill(job.id(), job.attempt());
            }
            return true;
        });
    }

    /**
     * The tailer has caught up: attempts the journal says are running but this run did not start belong to
     * an earlier scheduler. Re-attach the live ones; record the others as failed, never start them again.
     */
    private void recover() {
        for (JobStatus job : List.copyOf(running.values())) {
            if (launchedHere.contains(attemptKey(job))) {
                continue;
            }
            if (startAfterReplay.contains(job.id().value())) {
                if (job.cancelRequested()) {
                    append(new JournalEvent.Finished(job.id(), job.attempt(), JobState.CANCELLED, -1, "Cancelled by user"));
                } else {
                    launch(job);
                }
                continue;
            }
            if (executor.reattach(job.id(), job.attempt(), job.pid(), job.pidStartMillis())) {
                LOG.info("job {} attempt {} re-attached", job.id(), job.attempt());
                if (job.cancelRequested()) { // cancelled while no scheduler ran: its TERM had no process to reach
                    executor.terminate(job.id(), job.attempt(), JobExecutor.EndCause.CANCELLED);
                    killAt.put(job.id().value(), clock.millis() + killGraceMillis);
                }
                continue;
            }
            append(orphanEnd(job));
        }
        journal.sequenceAtLeast(core.table().maxId());
        append(new JournalEvent.SchedulerStarted(ProcessHandle.current().pid()));
        startAfterReplay.clear();
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
        deferred.forEach(this::refuseCommand);
        deferred.clear();
        stopped.complete(why);
    }

    private void refuse(RingEvent event) {
        if (event.kind() == RingEvent.Kind.COMMAND) {
            refuseCommand(event.command());
        }
    }

    private void refuseCommand(Command command) {
        reply(command).completeExceptionally(failure);
    }

    private static CompletableFuture<?> reply(Command command) {
        if (command instanceof Command.Submit s) {
            return s.reply();
        }
        if (command instanceof Command.Control c) {
            return c.reply();
        }
        return ((Command.Snapshot) command).reply();
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

    /**
     * How an attempt ends whose process this run neither started nor found: as its exit file says when it
     * ended while no scheduler ran; else lost with its node, and requeued while it has attempts left.
     */
    private JournalEvent orphanEnd(JobStatus job) {
        OptionalInt exit = executor.recordedExit(job.id(), job.attempt());
        if (exit.isPresent()) {
            int code = exit.getAsInt();
            JobState state = job.cancelRequested() ? JobState.CANCELLED : code == 0 ? JobState.COMPLETED : JobState.FAILED;
            return new JournalEvent.Finished(job.id(), job.attempt(), state, code,
                    (code == 0 ? "" : "exit code " + code + "; ") + "ended while no scheduler ran");
        }
        String lost = job.pid() > 0
                ? "NodeFail: process " + job.pid() + " was gone when the scheduler restarted"
                : "NodeFail: the scheduler stopped before the start was confirmed and no process of it is left";
        if (job.cancelRequested()) {
            return new JournalEvent.Finished(job.id(), job.attempt(), JobState.CANCELLED, -1, lost);
        }
        if (job.attempt() < maxAttempts) {
            return new JournalEvent.Requeued(job.id(), job.attempt(), lost);
        }
        return new JournalEvent.Finished(job.id(), job.attempt(), JobState.FAILED, -1,
                lost + "; no attempts left (" + maxAttempts + ")");
    }

    private void dispatch() {
        if (!deciding) {
            return;
        }
        for (Dispatched decision : core.decide(clock.millis())) {
            append(decision);
        }
    }

    private void append(JournalEvent event) {
        appendedUpTo = EventCodec.append(journal, clock.millis(), event);
    }

    /** Commands still waiting for their own writes to be folded fail rather than hang. */
    @Override
    public void onShutdown() {
        LabqException closed = new LabqException(LabqException.Kind.STORAGE, "the scheduler stopped before answering; retry");
        deferred.forEach(command -> reply(command).completeExceptionally(closed));
        deferred.clear();
        LabqException unfinished = new LabqException(LabqException.Kind.STORAGE,
                "the scheduler closed before the job ended; it goes on with the next scheduler on this home");
        watchers.values().forEach(waiting -> waiting.forEach(f -> f.completeExceptionally(unfinished)));
        watchers.clear();
    }

    private static String attemptKey(JobStatus job) {
        return job.id().value() + "#" + job.attempt();
    }
}
