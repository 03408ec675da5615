package dev.labq.core;

import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.DecisionStage;
import dev.labq.core.decision.Explanation;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.event.JournalWriter;
import dev.labq.core.execution.AttemptSupervisor;
import dev.labq.core.intake.CommandIntake;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.monitor.DeviceWatcher;
import dev.labq.core.monitor.ProcessTreeUsage;
import dev.labq.core.notify.OutcomeNotifier;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.recovery.RestartRecovery;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.execution.ExecutionListener;
import dev.labq.core.execution.InProcessExecutor;
import dev.labq.core.execution.JournalingListener;
import dev.labq.core.execution.JobExecutor;
import dev.labq.core.execution.LabqTask;
import dev.labq.core.execution.ProcessExecutor;
import dev.labq.core.execution.RoutingExecutor;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.ring.Command;
import dev.labq.core.ring.JournalTailer;
import dev.labq.core.ring.Ring;
import dev.labq.core.ring.RingEvent;
import dev.labq.core.rpc.RemoteCommands;
import dev.labq.core.rpc.SocketServer;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.core.time.Clock;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.Journal;
import dev.labq.store.Views;
import dev.labq.store.lock.ExclusiveFileLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A running labq scheduler on one home: the one process that decides and starts jobs there. Open it with
 * {@link Labq#open(Path)} or {@link #builder(Path)}; close it to stop scheduling (running processes keep
 * running and are re-attached by the next scheduler).
 *
 * <p>Thread-safe: every method may be called from any thread; calls become commands on the ring and
 * return once the decision stage has journaled them.
 */
public final class LabqScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabqScheduler.class);

    private final LabqHome home;
    private final LabqConfig config;
    private final MachineInventory inventory;
    private final Clock clock;
    private final JobCheckpoints checkpoints;
    private final ExclusiveFileLock lock;
    private final Journal journal;
    private final Views views;
    private final JobExecutor executor;
    private final InProcessExecutor tasks;
    private final Ring ring;
    private final JournalTailer tailer;
    private final DecisionStage stage;
    private final ScheduledExecutorService ticker;
    private final DeviceWatcher gpuWatch;
    private final ScheduledExecutorService monitor;
    private final SocketServer socket;
    private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LabqScheduler(Builder b) {
        this.home = LabqHome.of(b.home);
        createHome(home);
        this.lock = ExclusiveFileLock.tryAcquire(home.lock()).orElseThrow(() -> new LabqException(
                LabqException.Kind.ALREADY_RUNNING, "home=" + home.root() + " already has a scheduler (pid "
                + ExclusiveFileLock.holderPid(home.lock()) + "); stop it first or use another --home"));
        Journal openedJournal = null;
        Views openedViews = null;
        JobExecutor openedExecutor = null;
        Ring openedRing = null;
        JournalTailer openedTailer = null;
        try {
            this.config = b.config != null ? b.config : LabqConfig.load(home.root());
            GpuProbe probe = b.gpuProbe != null ? b.gpuProbe
                    : b.inventory != null ? GpuProbe.OFF : GpuProbe.configured(config.machine().discover(), home.root());
            this.inventory = b.inventory != null ? b.inventory : MachineInventory.of(config.machine(), probe);
            inventory.conflicts().forEach(LOG::warn);
            this.clock = b.clock;
            this.checkpoints = new JobCheckpoints(home, config.checkpoints());
            linkLauncher(home, b.launcher);
            openedJournal = Journal.open(home.journal(), home.jobIds());
            this.journal = openedJournal;
            openedViews = Views.openForWriter(home.views(), b.expectedJobs);
            this.views = openedViews;
            boolean rebuilding = needsRebuild(views, journal);
            if (rebuilding) {
                views.rebuildInProgress(true); // until the fold reaches the journal's end
                views.clear();
            }
            JobTable table = rebuilding ? new JobTable() : ViewProjection.load(views);
            UsageLedger ledger = rebuilding ? new UsageLedger(config) : ViewProjection.loadLedger(views, config, table);
            ExecutionListener reports = new JournalingListener(journal, clock);
            this.tasks = new InProcessExecutor(config.scheduler().inProcessThreads(), reports, checkpoints, clock);
            ProcessExecutor processes = b.processExecutor == null ? new ProcessExecutor(home, reports, checkpoints, inventory) : null;
            openedExecutor = new RoutingExecutor(processes != null ? processes : b.processExecutor.apply(reports), tasks);
            this.executor = openedExecutor;
            PriorityPolicy policy = b.policy != null ? b.policy : PriorityPolicy.configured(config);
            DecisionCore core = new DecisionCore(config, table, ledger, new ResourcePool(inventory), policy, b.predictor);
            listeners.addAll(b.listeners);
            JournalWriter writer = new JournalWriter(journal, clock);
            OutcomeNotifier outcomes = new OutcomeNotifier(listeners);
            AttemptSupervisor supervisor = new AttemptSupervisor(executor, clock,
                    config.scheduler().killGraceSeconds() * 1000L, rebuilding, table.all());
            this.stage = new DecisionStage(new DecisionStage.Parts(core, writer, new ViewProjection(views),
                    new CommandIntake(core, writer, new SubmissionValidator(config, inventory), tasks, outcomes, clock),
                    supervisor, new RestartRecovery(executor, supervisor, writer, config.scheduler().maxAttempts(), inventory),
                    outcomes), clock, views.lastAppliedIndex(), rebuilding, b.tickMillis > 0);
            if (b.replayProgress != null) {
                stage.replayProgress(b.replayProgress, 10_000);
            }
            openedRing = new Ring(stage, new LoggingExceptionHandler());
            this.ring = openedRing;
            openedTailer = new JournalTailer(journal, views.lastAppliedIndex(), ring,
                    failure -> stage.caughtUp().completeExceptionally(failure));
            this.tailer = openedTailer;
            tailer.start();
            awaitCaughtUp(stage);
            this.ticker = b.tickMillis > 0 ? startTicker(b.tickMillis) : null;
            this.socket = b.commands != null ? SocketServer.start(home.socket(), b.commands.apply(this)) : null;
            // Last: nothing that can fail to start comes after them, so a failed start leaves no thread of theirs.
            this.gpuWatch = new DeviceWatcher(probe, inventory, reports::journal);
            gpuWatch.start(config.machine().gpuWatchSeconds());
            this.monitor = processes != null ? startMonitor(processes, config.scheduler()) : null;
        } catch (RuntimeException e) {
            // In reverse order of starting, so no thread is left writing to what is closed after it.
            if (openedTailer != null) {
                openedTailer.stop();
            }
            if (openedRing != null) {
                openedRing.shutdown();
            }
            closeQuietly(openedExecutor);
            closeQuietly(openedViews);
            closeQuietly(openedJournal);
            lock.close();
            throw e;
        }
    }

    /** Waits for the replay; its failure is the start's failure, with the cause the user can act on. */
    private static void awaitCaughtUp(DecisionStage stage) {
        try {
            stage.caughtUp().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof LabqException labq) {
                throw labq;
            }
            throw new LabqException(LabqException.Kind.STORAGE, "the journal cannot be replayed ("
                    + e.getCause().getMessage() + "); check it with `labq replay --verify`", e.getCause());
        }
    }

    /** A builder for a scheduler on {@code home}, with the system clock, OS processes and the home's config. */
    public static Builder builder(Path home) {
        return new Builder(home);
    }

    private static void createHome(LabqHome home) {
        try {
            Files.createDirectories(home.root());
            Files.createDirectories(home.logs());
        } catch (IOException e) {
            throw new LabqException(LabqException.Kind.STORAGE, "home=" + home.root() + " cannot be created ("
                    + e.getMessage() + "); choose a writable --home or set LABQ_HOME", e);
        }
    }

    /**
     * Views must be rebuilt from the whole journal, with no effects, when they have folded nothing of a
     * journal that has entries (new, emptied, or of an old format: a scheduler may have run before them),
     * claim more than the journal holds, or were cut off in the middle of a rebuild.
     */
    /**
     * Views are rebuilt from the journal when a rebuild was cut off, when they are empty or ahead of the
     * journal, and after an unclean stop: Chronicle Map's recovery can drop entries a killed writer was
     * writing (seen in the crash campaign: a job in the journal, missing from recovered views whose last
     * applied index was past it), so only a fresh fold is trusted.
     */
    private static boolean needsRebuild(Views views, Journal journal) {
        long last = journal.lastIndex();
        return views.rebuildInProgress() || views.openOutcome() == Views.OpenOutcome.RECOVERED
                || (views.lastAppliedIndex() == Journal.BEFORE_FIRST && last != Journal.BEFORE_FIRST)
                || views.lastAppliedIndex() > last;
    }

    private ScheduledExecutorService startTicker(long tickMillis) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "labq-ticker");
            t.setDaemon(true);
            return t;
        });
        s.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        return s;
    }

    /** Submits an OS-process job; returns once it is journaled. */
    public JobHandle submit(JobSpec spec) {
        return submit(spec, null);
    }

    /** Submits an in-process task (spec of kind TASK); returns once it is journaled. */
    public JobHandle submit(JobSpec spec, LabqTask task) {
        CompletableFuture<JobId> reply = new CompletableFuture<>();
        CompletableFuture<JobStatus> outcome = new CompletableFuture<>();
        return new JobHandle(ask(new Command.Submit(spec, task, reply, outcome), reply), outcome);
    }

    /** Holds a pending job. */
    public void hold(JobId job) {
        control(Command.Action.HOLD, job);
    }

    /** Releases a held job. */
    public void release(JobId job) {
        control(Command.Action.RELEASE, job);
    }

    /** Cancels a job: pending ones at once, running ones with TERM and then KILL after the grace period. */
    public void cancel(JobId job) {
        control(Command.Action.CANCEL, job);
    }

    /**
     * Returns once the scheduler has folded journal entry {@code index}, whoever appended it (a direct client,
     * another process): what is asked after it sees that entry.
     */
    public void awaitApplied(long index) {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        ask(new Command.AwaitApplied(index, reply), reply);
    }

    /** Runs a job that failed, was cancelled or timed out again: pending, its next dispatch the next attempt. */
    public void requeue(JobId job) {
        control(Command.Action.REQUEUE, job);
    }

    private void control(Command.Action action, JobId job) {
        control(action, job, false);
    }

    /**
     * Holds, releases or cancels a job; with {@code wholeArray}, an id that names a job array means every task
     * of it the action applies to (one journal entry), as Slurm's {@code scancel ARRAY_ID}.
     */
    public void control(Command.Action action, JobId job, boolean wholeArray) {
        CompletableFuture<JobStatus> reply = new CompletableFuture<>();
        ask(new Command.Control(action, job, wholeArray, reply), reply);
    }

    /** Changes a job that has not ended ({@code labq alter}); the next decision uses it. */
    public void alter(JobId job, Alteration change) {
        CompletableFuture<JobStatus> reply = new CompletableFuture<>();
        ask(new Command.Alter(job, change, reply), reply);
    }

    /**
     * Overrides a project's importance or share ({@code user} null), or a user's share within it, from now
     * on; journaled, so it outlives restarts until the next such change ({@code labq project set}).
     */
    public void setProject(String project, String user, Integer importance, Double share) {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        ask(new Command.SetProject(project, user, importance, share, reply), reply);
    }

    /** Why a job is where it is, with the first {@code maxAhead} jobs ahead of it ({@code labq explain}). */
    public Explanation explain(JobId job, int maxAhead) {
        Explanation explanation = query((core, now) -> core.explain(job, now, maxAhead));
        if (explanation == null) {
            throw new UnknownJobException("job", job);
        }
        return explanation;
    }

    /** The ready jobs in the order they would start, with their priorities ({@code labq prio}). */
    public List<Explanation> priorities(int limit) {
        return query((core, now) -> core.priorities(now, limit));
    }

    /** Shares, usage, fair share and budgets of every project and user ({@code labq shares}). */
    public List<ShareRow> shares() {
        return query(DecisionCore::shares);
    }

    /** Asks the decision thread a question about the scheduling state and waits for the answer. */
    public <T> T query(Command.Question<T> question) {
        CompletableFuture<T> reply = new CompletableFuture<>();
        return ask(new Command.Query<>(question, reply), reply);
    }

    /** Every job, with the reason each pending one waits. */
    public List<JobStatus> jobs() {
        return jobs(List.of());
    }

    /** The named jobs; throws for an unknown id. */
    public List<JobStatus> jobs(List<JobId> ids) {
        CompletableFuture<List<JobStatus>> reply = new CompletableFuture<>();
        return ask(new Command.Snapshot(ids, reply), reply);
    }

    public JobStatus job(JobId id) {
        return jobs(List.of(id)).get(0);
    }

    /**
     * Starts nothing more and completes once every running job has ended (`labq serve --drain`); then
     * {@link #close()} leaves nothing behind.
     */
    public CompletableFuture<Void> drain() {
        CompletableFuture<Void> drained = stage.drain();
        ring.publish(RingEvent.Kind.TICK); // so an idle stage notices at once
        return drained;
    }

    /** Asks the decision stage to check time limits against the clock now (the ticker calls it too). */
    public void tick() {
        if (!closed) {
            ring.publish(RingEvent.Kind.TICK);
        }
    }

    public void addListener(SchedulerListener listener) {
        listeners.add(listener);
    }

    public LabqHome home() {
        return home;
    }

    /**
     * Completes if the scheduler stops on its own because a journal entry cannot be applied (fail-stop:
     * nothing after it is applied or decided). `labq serve` exits on it.
     */
    public CompletableFuture<LabqException> stoppedByFailure() {
        return stage.stopped();
    }

    public LabqConfig config() {
        return config;
    }

    /** The clock the scheduler's logic reads. */
    public Clock clock() {
        return clock;
    }

    /** The checkpoint protocol over the configured store. */
    public JobCheckpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Writes {@code bin/labq}, which runs {@code launcher} (the {@code labq} that started this scheduler, or
     * {@code $LABQ_LAUNCHER}), so a job can run {@code labq checkpoint commit} with {@code bin/} first on its PATH.
     */
    private static void linkLauncher(LabqHome home, Path launcher) {
        String given = launcher != null ? launcher.toString() : System.getenv("LABQ_LAUNCHER");
        if (given == null) {
            return;
        }
        try {
            Files.createDirectories(home.bin());
            Path shim = home.bin().resolve("labq");
            Files.writeString(shim, "#!/bin/sh\nexec '" + Path.of(given).toAbsolutePath().toString().replace("'", "'\\''")
                    + "' \"$@\"\n");
            shim.toFile().setExecutable(true, false);
        } catch (IOException e) {
            throw new LabqException(LabqException.Kind.STORAGE, "bin=" + home.bin() + " cannot be written ("
                    + e.getMessage() + "); check that the labq home is writable", e);
        }
    }

    public MachineInventory inventory() {
        return inventory;
    }

    /** The journal, to tail it (for example to stream entries to a client). */
    public Journal journal() {
        return journal;
    }

    /**
     * Hands a command to the decision stage and waits for its reply; refused on the decision thread itself
     * (a listener), where the wait would never end.
     */
    private <T> T ask(Command command, CompletableFuture<T> reply) {
        if (closed) {
            throw new LabqException(LabqException.Kind.STORAGE, "the scheduler on " + home.root() + " is closed; open it again");
        }
        if (Thread.currentThread().getName().equals(Ring.DECISION_THREAD)) {
            throw new IllegalStateException("a SchedulerListener must not call the scheduler and wait for it; "
                    + "hand the call to another thread, or chain it on JobHandle.outcome()");
        }
        ring.publish(command);
        try {
            return reply.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Stops scheduling: no more decisions, the journal records the stop, views are closed cleanly.
     * Running OS processes keep running.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (socket != null) {
            socket.close();
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        gpuWatch.close();
        if (monitor != null) {
            monitor.shutdownNow();
        }
        checkpoints.close(); // commits under way become durable and journaled, and are folded below
        stage.stopDeciding();
        tailer.stop();    // what is journaled now gets folded into the views
        ring.shutdown();
        executor.close(); // forks already decided still happen and are journaled
        try {
            EventCodec.append(journal, clock.millis(), new JournalEvent.SchedulerStopped(ProcessHandle.current().pid()));
        } finally {
            views.close();
            journal.close();
            lock.close();
        }
    }

    /** Measures running jobs every {@code monitorSeconds} and kills those over their memory; null when either is off. */
    private static ScheduledExecutorService startMonitor(ProcessExecutor processes, LabqConfig.Settings settings) {
        if (settings.monitorSeconds() == 0 || settings.memoryTolerance() < 0) {
            return null;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "labq-monitor");
            t.setDaemon(true);
            return t;
        });
        ProcessTreeUsage usage = new ProcessTreeUsage();
        timer.scheduleWithFixedDelay(() -> {
            try {
                processes.enforceMemory(usage, settings.memoryTolerance());
            } catch (RuntimeException e) {
                LOG.warn("measuring running jobs failed: {}", e.toString());
            }
        }, settings.monitorSeconds(), settings.monitorSeconds(), TimeUnit.SECONDS);
        return timer;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("while closing after a failed start: {}", e.toString());
            }
        }
    }

    private static final class LoggingExceptionHandler implements com.lmax.disruptor.ExceptionHandler<RingEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RingEvent event) {
            LOG.error("decision stage failed on {} #{}: {}", event.kind(), sequence, ex.toString(), ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.error("decision stage failed to start: {}", ex.toString(), ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.error("decision stage failed to stop: {}", ex.toString(), ex);
        }
    }

    /** Options of a scheduler; the defaults are what `labq serve` uses. */
    public static final class Builder {
        private final Path home;
        private LabqConfig config;
        private MachineInventory inventory;
        private GpuProbe gpuProbe;
        private Clock clock = Clock.system();
        private Function<ExecutionListener, JobExecutor> processExecutor;
        private Path launcher;
        private long tickMillis = 200;
        private Function<LabqScheduler, RemoteCommands> commands;
        private long expectedJobs = 100_000;
        private final List<SchedulerListener> listeners = new CopyOnWriteArrayList<>();
        private LongConsumer replayProgress;
        private PriorityPolicy policy;
        private RuntimePredictor predictor = RuntimePredictor.timeLimit();

        private Builder(Path home) {
            this.home = home;
        }

        /** Use this configuration instead of the home's labq.yaml. */
        public Builder config(LabqConfig value) { this.config = value; return this; }

        /** Use this machine instead of the configured one (tests, the simulator). */
        public Builder inventory(MachineInventory value) { this.inventory = value; return this; }
        /** Where GPUs are discovered, and looked at again (default: {@code machine.discover}). */
        public Builder gpuProbe(GpuProbe value) { this.gpuProbe = value; return this; }

        /** The clock the logic reads; tests pass a SettableClock. */
        public Builder clock(Clock value) { this.clock = value; return this; }

        /** Run OS-process jobs with another executor (a fake at the edge, or Slurm). */
        public Builder processExecutor(Function<ExecutionListener, JobExecutor> value) { this.processExecutor = value; return this; }

        /** The {@code labq} launcher jobs run as {@code labq} (default {@code $LABQ_LAUNCHER}, which {@code ./labq} sets). */
        public Builder launcher(Path value) { this.launcher = value; return this; }

        /** How often time limits are checked; 0 = never by itself (tests call {@link LabqScheduler#tick()}). */
        public Builder tickMillis(long value) { this.tickMillis = value; return this; }

        /**
         * Serve client command lines on scheduler.sock with the handler made from the started scheduler
         * (the CLI's `serve` passes its own commands). Without it there is no socket, and clients use the
         * journal directly.
         */
        public Builder serveCommands(Function<LabqScheduler, RemoteCommands> value) { this.commands = value; return this; }

        /** Sizing of the views (they grow past it, up to about 4x). */
        public Builder expectedJobs(long value) { this.expectedJobs = value; return this; }

        public Builder listener(SchedulerListener value) { this.listeners.add(value); return this; }

        /** Told the number of journal entries replayed, every 10,000, while the start replays the journal. */
        public Builder replayProgress(LongConsumer value) { this.replayProgress = value; return this; }

        /** Order jobs with this policy instead of the one {@code scheduler.policy} names. */
        public Builder policy(PriorityPolicy value) { this.policy = value; return this; }

        /** Predict run times with this (deadline slack); the default is the time limit. */
        public Builder predictor(RuntimePredictor value) { this.predictor = value; return this; }

        /** Takes the home's lock, recovers and replays, and starts scheduling. */
        public LabqScheduler start() {
            return new LabqScheduler(this);
        }
    }
}
