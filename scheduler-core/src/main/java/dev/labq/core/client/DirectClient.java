package dev.labq.core.client;

import dev.labq.store.checkpoint.Verification;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.checkpoint.CheckpointInfo;
import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.Explanation;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.TimeSpecs;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.intake.ControlRequests;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.ring.Command;
import dev.labq.core.pipeline.PipelineJobs;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.Fold;
import dev.labq.core.intake.DeviceRequests;
import dev.labq.core.state.GpuStatus;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;

import java.io.IOException;
import java.nio.file.Files;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * {@link LabqClient} with no scheduler running: validates against a fold of the journal and appends to
 * the journal itself. The next scheduler picks the entries up.
 */
final class DirectClient implements LabqClient {
    private final LabqHome home;
    private final Clock clock = Clock.system();
    private Journal journal;
    private SubmissionValidator validator;
    private LabqConfig config;
    private MachineInventory inventory;

    DirectClient(LabqHome home) {
        this.home = home;
    }

    /** A client that validates against {@code config} and {@code inventory} (a running scheduler's), not the home's file. */
    DirectClient(LabqHome home, LabqConfig config, MachineInventory inventory) {
        this.home = home;
        this.config = config;
        this.inventory = inventory;
        this.validator = new SubmissionValidator(config, inventory);
    }

    @Override
    public boolean viaScheduler() {
        return false;
    }

    @Override
    public JobId submit(JobSpec spec) {
        // Only dependencies need the other jobs, and folding the journal costs O(jobs): skip it without them.
        Predicate<JobId> exists = !spec.hasDependencies() ? id -> false : JobsReader.fold(home)::contains;
        JobSpec accepted = validator().accept(spec, exists, clock.millis());
        Journal.Numbered numbered = EventCodec.appendSubmission(writable(), clock.millis(), accepted);
        return JobId.of(numbered.number());
    }

    /**
     * Accepts a planned pipeline whole or not at all: every task's job is validated as a submission would be
     * (project, resources against the machine, budgets), then all of them are appended as one entry under one
     * block of job ids, each job after its dependencies' jobs. Returns the first job's id, the pipeline's id.
     */
    @Override
    public PriorResults priorResults(String project) {
        return PipelineJobs.priorResults(JobsReader.fold(home).all(),
                project != null ? project : (config != null ? config : LabqConfig.load(home.root())).scheduler().defaultProject());
    }

    @Override
    public JobId submitPipeline(PipelinePlan plan, String user) {
        return JobId.of(appendPipeline(plan, user).number());
    }

    @Override
    public JobId submitJobs(List<JobSpec> specs) {
        return JobId.of(appendJobs(specs).number());
    }

    @Override
    public JobId submitArray(JobSpec spec, ArraySpec array) {
        return JobId.of(appendArray(spec, array).number());
    }

    Journal.Numbered appendPipeline(PipelinePlan plan, String user) {
        long now = clock.millis();
        Long deadline = plan.deadline() == null ? null : TimeSpecs.parseDeadlineMillis(plan.deadline(), now, ZoneId.systemDefault());
        if (deadline != null && deadline <= now) {
            throw new InvalidInputException("deadline", plan.deadline(), "the pipeline's deadline is in the past; give a later one");
        }
        List<JobSpec> specs = new ArrayList<>(plan.tasks().size());
        for (int i = 0; i < plan.tasks().size(); i++) {
            specs.add(plan.jobSpec(i, user, List.of())); // dependencies are within the block: added after
        }
        List<JobSpec> accepted = acceptAll(specs, id -> false, now, i -> "task " + plan.tasks().get(i).name());
        return EventCodec.appendJobs(writable(), now, accepted.size(), first -> PipelineJobs.of(plan, first, accepted, deadline));
    }

    /**
     * Accepts many jobs whole or not at all ({@code labq submit --file}): each validated as a submission
     * would be, then all appended as one entry under one block of job ids, in order.
     */
    Journal.Numbered appendJobs(List<JobSpec> specs) {
        if (specs.isEmpty()) {
            throw new InvalidInputException("jobs", "(none)", "give at least one job");
        }
        long now = clock.millis();
        boolean dependencies = specs.stream().anyMatch(JobSpec::hasDependencies);
        Predicate<JobId> exists = dependencies ? JobsReader.fold(home)::contains : id -> false;
        List<JobSpec> accepted = acceptAll(specs, exists, now, i -> "job " + (i + 1));
        return EventCodec.appendJobs(writable(), now, accepted.size(), first -> new JournalEvent.JobsSubmitted(JobId.of(first), accepted));
    }

    /**
     * Accepts a job array ({@code labq submit --array}): the template is validated once, as a submission would
     * be, and the array appended as one small entry under a block of job ids, one per task.
     */
    Journal.Numbered appendArray(JobSpec spec, ArraySpec array) {
        Predicate<JobId> exists = !spec.hasDependencies() ? id -> false : JobsReader.fold(home)::contains;
        long now = clock.millis();
        JobSpec accepted = validator().accept(spec, exists, now);
        return EventCodec.appendArray(writable(), now, accepted, array);
    }

    /** Every spec as a submission accepts it, or the first refusal, naming which one ({@code place}) it was. */
    private List<JobSpec> acceptAll(List<JobSpec> specs, Predicate<JobId> exists, long now, IntFunction<String> place) {
        List<JobSpec> accepted = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            try {
                accepted.add(validator().accept(specs.get(i), exists, now));
            } catch (InvalidInputException e) {
                throw new InvalidInputException(place.apply(i) + ": " + e.field(), e.value(), e.fix());
            }
        }
        return accepted;
    }

    @Override
    public void hold(JobId job) {
        control(Command.Action.HOLD, job, false);
    }

    @Override
    public void release(JobId job) {
        control(Command.Action.RELEASE, job, false);
    }

    @Override
    public void cancel(JobId job) {
        control(Command.Action.CANCEL, job, false);
    }

    @Override
    public void control(Command.Action action, JobId job, boolean wholeArray) {
        append(ControlRequests.entry(action, JobsReader.fold(home), job, wholeArray));
    }

    /** Once per client: reading the machine (OSHI) costs a third of a second. */
    private SubmissionValidator validator() {
        if (validator == null) {
            config = LabqConfig.load(home.root());
            inventory = MachineInventory.of(config.machine(), GpuProbe.configured(config.machine().discover(), home.root()));
            validator = new SubmissionValidator(config, inventory);
        }
        return validator;
    }

    @Override
    public void alter(JobId job, Alteration change) {
        validator().acceptAlteration(current(job), change, clock.millis());
        append(new JournalEvent.Altered(job, change));
    }

    @Override
    public void setProject(String project, String user, Integer importance, Double share) {
        JournalEvent.ProjectSet set = new JournalEvent.ProjectSet(project, user, importance, share);
        validator().acceptProjectSet(set);
        append(set);
    }

    @Override
    public List<GpuStatus> gpus() {
        validator();
        return GpuStatus.of(inventory, JobsReader.fold(home));
    }

    @Override
    public void drainGpu(int gpu, String reason) {
        validator();
        append(DeviceRequests.drain(inventory, JobsReader.fold(home).devices(), gpu, reason));
    }

    @Override
    public void resumeGpu(int gpu) {
        validator();
        append(DeviceRequests.resume(inventory, JobsReader.fold(home).devices(), gpu));
    }

    /**
     * The state a scheduler would decide from, folded here: priorities, budgets and the reservation plan are
     * what they would be, but nothing runs, so "the next to start" waits on {@code NoScheduler}.
     */
    private DecisionCore offlineCore() {
        validator();
        Fold fold = JobsReader.foldWithUsage(home, config);
        return new DecisionCore(config, fold.table(), fold.ledger(), new ResourcePool(inventory),
                PriorityPolicy.configured(config), RuntimePredictor.timeLimit());
    }

    private static Explanation offline(Explanation e) {
        boolean waitsForAScheduler = "Priority".equals(e.reason()) || "Resources".equals(e.reason());
        return waitsForAScheduler ? new Explanation(e.job(), e.policy(), e.priority(), "NoScheduler", e.ahead(), e.aheadCount(),
                e.estimatedStartMillis(), e.budget(), e.placement()) : e;
    }

    @Override
    public Explanation explain(JobId job) {
        Explanation e = offlineCore().explain(job, clock.millis(), MAX_AHEAD);
        if (e == null) {
            throw new UnknownJobException("job", job);
        }
        return offline(e);
    }

    @Override
    public List<Explanation> priorities() {
        return offlineCore().priorities(clock.millis(), MAX_PRIORITIES).stream().map(DirectClient::offline).toList();
    }

    @Override
    public List<ShareRow> shares() {
        return offlineCore().shares(clock.millis());
    }

    @Override
    public List<JobStatus> stat(List<JobId> ids) {
        JobTable table = JobsReader.fold(home);
        List<JobStatus> out = new ArrayList<>();
        if (ids.isEmpty()) {
            table.all().forEach(j -> out.add(JobsReader.withOfflineReason(table, j)));
        } else {
            for (JobId id : ids) {
                JobStatus j = table.get(id);
                if (j == null) {
                    throw new UnknownJobException("job", id);
                }
                out.add(JobsReader.withOfflineReason(table, j));
            }
        }
        return out;
    }

    @Override
    public JobCheckpoints.Receipt commitCheckpoint(JobId job, int attempt, boolean wait) {
        // no process outlives this one to finish the commit: it is made durable before returning
        return checkpoints().commit(current(job), attempt, clock.millis(), true, this::append);
    }

    @Override
    public List<CheckpointInfo> checkpoints(JobId job) {
        current(job);
        return checkpoints().list(job);
    }

    @Override
    public List<Verification> verifyCheckpoints(JobId job) {
        current(job);
        return checkpoints().verifyAll(job, this::append);
    }

    @Override
    public void deleteCheckpoint(JobId job, long number) {
        current(job);
        append(checkpoints().delete(job, number));
    }

    /** Appends {@code event} as it is; returns its journal index. */
    long appendEvent(JournalEvent event) {
        return EventCodec.append(writable(), clock.millis(), event);
    }

    private JobCheckpoints checkpoints() {
        return new JobCheckpoints(home, (config != null ? config : LabqConfig.load(home.root())).checkpoints());
    }

    @Override
    public void tail(long fromIndex, boolean follow, Consumer<String> lines, BooleanSupplier stop) {
        JobsReader.requireHome(home);
        if (!Files.isDirectory(home.journal())) {
            return;
        }
        try (Journal readOnly = Journal.openReadOnly(home.journal())) {
            JournalFollower.stream(readOnly, fromIndex, follow, lines, stop);
        }
    }

    private JobStatus current(JobId job) {
        JobStatus status = JobsReader.fold(home).get(job);
        if (status == null) {
            throw new UnknownJobException("job", job);
        }
        return status;
    }

    private void append(JournalEvent event) {
        appendEvent(event);
    }

    private Journal writable() {
        if (journal == null) {
            try {
                Files.createDirectories(home.root());
            } catch (IOException e) {
                throw new LabqException(LabqException.Kind.STORAGE, "home=" + home.root() + " cannot be created ("
                        + e.getMessage() + "); choose a writable --home or set LABQ_HOME", e);
            }
            journal = Journal.open(home.journal(), home.jobIds());
        }
        return journal;
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
    }
}
