package dev.labq.bench;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.budget.BudgetPolicy;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.KeyLine;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * The baseline of the decision-latency harness: the decider one writes first. On every decision it computes
 * every ready job's priority ({@code policy.jobKey + policy.accountKey}), sorts them all (higher first, then
 * the policy's tiebreak, submission, id), starts in that order each job its budget admits while it fits,
 * and when the first admitted job does not fit runs EASY backfill by one linear scan of the sorted list.
 *
 * <p>It keeps its own {@link JobTable}, {@link UsageLedger} and {@link ResourcePool} and uses the same
 * {@link PriorityPolicy} and {@link BudgetPolicy} as {@link DecisionCore}, with the same contract, so on the
 * same journal entries both must choose the same jobs:
 * <ul>
 *   <li>a job's own factors (importance, deadline, age) are the policy's {@link KeyLine} evaluated at the
 *       decision, the line computed when the job became ready and again at the first decision after it ended
 *       (or after a recompute on demand, or a {@code ProjectSet} of an importance), as {@code DecisionCore}
 *       keys them; account factors (fair share) as of the decision;</li>
 *   <li>the reservation of a waiting head is the earliest time the running jobs' time limits free enough for
 *       it; a later job starts if it fits now and either ends by its limit before that time or fits in what
 *       the head leaves free then; a job held back by its budget blocks nothing.</li>
 * </ul>
 * A decision costs O(N log N) for N ready jobs (N priority computations, one sort), against
 * {@code DecisionCore}'s bucketed index. Not thread-safe.
 */
final class SortEveryDecisionDecider {
    private static final Comparator<Ranked> ORDER = (a, b) -> {
        int c = Double.compare(b.total, a.total);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.tiebreak, b.tiebreak);
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.job.submitMillis(), b.job.submitMillis());
        return c != 0 ? c : Long.compare(a.job.id().value(), b.job.id().value());
    };

    private final JobTable table = new JobTable();
    private final UsageLedger ledger;
    private final ResourcePool pool;
    private final PriorityPolicy policy;
    private final BudgetPolicy budgets;
    private final boolean backfill;
    private final GpuTypes gpuTypes;
    /** Ready jobs (pending, dependencies met, not being dispatched), in no order. */
    private final Map<Long, JobStatus> ready = new HashMap<>();
    private final Map<Long, Allocation> inFlight = new HashMap<>();
    private final Map<Long, RunningJob> running = new HashMap<>();
    private PolicyContext context;
    /** Each ready job's key line, and the lines by when they end (those since replaced are skipped). */
    private final Map<Long, Keyed> lines = new HashMap<>();
    private final PriorityQueue<Keyed> expiring = new PriorityQueue<>(Comparator.comparingLong(k -> k.line.validUntilMillis()));
    private boolean recomputeAll;
    private final Set<String> importanceChanged = new HashSet<>();

    private record Keyed(JobStatus job, KeyLine line) {
    }

    /** One ready job's place in this decision's sort. */
    private record Ranked(JobStatus job, double total, long tiebreak) {
    }

    private record RunningJob(Allocation allocation, long endMillis) {
    }

    SortEveryDecisionDecider(LabqConfig config, MachineInventory machine, PriorityPolicy policy) {
        this.ledger = new UsageLedger(config);
        this.pool = new ResourcePool(machine);
        this.policy = policy;
        this.budgets = new BudgetPolicy(config);
        this.backfill = config.scheduler().backfills();
        this.gpuTypes = new GpuTypes(machine);
        this.context = new PolicyContext(0, config, ledger, RuntimePredictor.timeLimit(), machine);
    }

    /** Folds one journal entry, as {@link DecisionCore#apply} does. */
    List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
        int highestBefore = event instanceof JournalEvent.ProjectSet ? context.highestImportance() : 0;
        List<JobChange> changes = table.apply(index, timestampMillis, event);
        ledger.apply(index, timestampMillis, event, changes);
        if (event instanceof Dispatched d && changes.isEmpty()) {
            Allocation voided = inFlight.remove(d.job().value());
            if (voided != null) {
                pool.release(voided);
                running.remove(d.job().value());
                ledger.releaseTentative(d.job());
            }
        }
        if (event instanceof JournalEvent.ProjectSet set && set.importance() != null) {
            if (context.highestImportance() != highestBefore) {
                recomputeAll = true;
            } else {
                importanceChanged.add(set.project());
            }
        }
        PolicyContext at = context.at(Math.max(context.nowMillis(), timestampMillis));
        for (JobChange change : changes) {
            follow(change, at);
        }
        return changes;
    }

    private void follow(JobChange change, PolicyContext at) {
        JobStatus before = change.before();
        JobStatus after = change.after();
        long id = after.id().value();
        boolean wasRunning = before != null && before.state() == JobState.RUNNING;
        if (after.state() == JobState.RUNNING && !wasRunning) {
            if (inFlight.remove(id) == null) {
                pool.reserve(after.allocation());
            }
            running.put(id, new RunningJob(after.allocation(), limitEnd(after.startMillis(), after.spec())));
        } else if (wasRunning && after.state() != JobState.RUNNING) {
            pool.release(before.allocation());
            running.remove(id);
        } else if (after.state() == JobState.RUNNING) {
            running.put(id, new RunningJob(after.allocation(), limitEnd(after.startMillis(), after.spec())));
        }
        refreshReady(after, at);
        if (after.state() == JobState.COMPLETED) {
            for (JobId child : table.waitingOn(after)) {
                refreshReady(table.get(child), at);
            }
        }
    }

    /** Keeps a job that could start now, keyed at {@code at} unless it is the same job again; drops any other. */
    private void refreshReady(JobStatus job, PolicyContext at) {
        long id = job.id().value();
        if (job.state() == JobState.PENDING && !inFlight.containsKey(id) && table.dependenciesMet(job)) {
            if (!job.equals(ready.put(id, job))) {
                key(job, at);
            }
        } else {
            ready.remove(id);
            lines.remove(id);
        }
    }

    private void key(JobStatus job, PolicyContext at) {
        Keyed keyed = new Keyed(job, policy.keyLine(job, at));
        lines.put(job.id().value(), keyed);
        if (keyed.line.validUntilMillis() != Long.MAX_VALUE) {
            expiring.add(keyed);
        }
    }

    private static long limitEnd(Long startMillis, JobSpec spec) {
        Long limit = spec.timeLimitSeconds();
        if (limit == null || startMillis == null) {
            return Long.MAX_VALUE;
        }
        long end = startMillis + limit * 1000;
        return end < startMillis ? Long.MAX_VALUE : end;
    }

    int readyCount() {
        return ready.size();
    }

    /**
     * What a decision at {@code nowMillis} does to the priority clock, without deciding: for a harness in which
     * another decider took this decision and this one only folds its dispatches (the periodic recompute must
     * stay on the schedule of the decider it follows).
     */
    void followDecision(long nowMillis) {
        context = context.at(nowMillis);
        if (recomputeAll) {
            expiring.clear();
            for (JobStatus job : ready.values()) {
                key(job, context);
            }
            recomputeAll = false;
            importanceChanged.clear();
        }
        if (!importanceChanged.isEmpty()) {
            for (JobStatus job : ready.values()) {
                if (importanceChanged.contains(job.spec().project())) {
                    key(job, context);
                }
            }
            importanceChanged.clear();
        }
        while (!expiring.isEmpty() && expiring.peek().line.validUntilMillis() <= nowMillis) {
            Keyed ended = expiring.poll();
            if (lines.get(ended.job.id().value()) == ended) {
                key(ended.job, context);
            }
        }
    }

    /** Moves the next decision's key time to its own instant, as {@link DecisionCore#recomputeAll()} does. */
    void recomputeAll() {
        recomputeAll = true;
    }

    /** Sorts every ready job by its priority now and picks as {@link DecisionCore#decide} does. */
    List<Dispatched> decide(long nowMillis) {
        followDecision(nowMillis);
        Ranked[] ranked = rank();
        Arrays.sort(ranked, ORDER);

        List<Dispatched> decisions = new ArrayList<>(2);
        int i = 0;
        Ranked head = null;
        for (; i < ranked.length; i++) {
            JobSpec spec = ranked[i].job.spec();
            if (budgets.admit(spec, ledger, nowMillis) != null) {
                continue; // held back by its budget: blocks nothing
            }
            Allocation allocation = pool.tryReserve(spec.resources());
            if (allocation == null) {
                head = ranked[i];
                break;
            }
            dispatch(ranked[i].job, allocation, nowMillis, false, decisions);
        }
        if (head != null && backfill) {
            backfill(ranked, i, nowMillis, decisions);
        }
        return decisions;
    }

    /** Every ready job, first to last, as a decision at {@code nowMillis} would sort them (for tests). */
    List<JobStatus> inOrder(long nowMillis) {
        PolicyContext at = context.at(nowMillis);
        Map<String, Map<String, Double>> accountKeys = new HashMap<>();
        Ranked[] ranked = new Ranked[ready.size()];
        int k = 0;
        for (JobStatus job : ready.values()) {
            KeyLine line = lines.get(job.id().value()).line;
            if (recomputeAll || importanceChanged.contains(job.spec().project()) || line.validUntilMillis() <= nowMillis) {
                line = policy.keyLine(job, at);
            }
            JobSpec spec = job.spec();
            double accountKey = accountKeys.computeIfAbsent(spec.project(), p -> new HashMap<>())
                    .computeIfAbsent(spec.user(), u -> policy.accountKey(spec.project(), u, at));
            ranked[k++] = new Ranked(job, line.at(nowMillis) + accountKey, policy.tiebreak(job));
        }
        Arrays.sort(ranked, ORDER);
        List<JobStatus> out = new ArrayList<>(ranked.length);
        for (Ranked r : ranked) {
            out.add(r.job);
        }
        return out;
    }

    /**
     * What a single ordered tree of the ready jobs pays for a change that reorders everyone: every ready job's
     * priority computed afresh at {@code nowMillis} (own and account parts) and a new {@link TreeSet} built by
     * inserting them one by one, in this decider's order. Changes nothing here; returns the tree's size.
     */
    int rebuildTree(long nowMillis) {
        PolicyContext at = context.at(nowMillis);
        Map<String, Map<String, Double>> accountKeys = new HashMap<>();
        TreeSet<Ranked> tree = new TreeSet<>(ORDER);
        for (JobStatus job : ready.values()) {
            JobSpec spec = job.spec();
            double accountKey = accountKeys.computeIfAbsent(spec.project(), p -> new HashMap<>())
                    .computeIfAbsent(spec.user(), u -> policy.accountKey(spec.project(), u, at));
            tree.add(new Ranked(job, policy.jobKey(job, at) + accountKey, policy.tiebreak(job)));
        }
        return tree.size();
    }

    /**
     * Every ready job's priority: its own key line at the decision (as {@code DecisionCore} keys it), plus its
     * account's part now, computed once per account and decision.
     */
    private Ranked[] rank() {
        Map<String, Map<String, Double>> accountKeys = new HashMap<>();
        Ranked[] ranked = new Ranked[ready.size()];
        int k = 0;
        for (JobStatus job : ready.values()) {
            JobSpec spec = job.spec();
            double accountKey = accountKeys.computeIfAbsent(spec.project(), p -> new HashMap<>())
                    .computeIfAbsent(spec.user(), u -> policy.accountKey(spec.project(), u, context));
            ranked[k++] = new Ranked(job, lines.get(job.id().value()).line.at(context.nowMillis()) + accountKey,
                    policy.tiebreak(job));
        }
        return ranked;
    }

    private void backfill(Ranked[] ranked, int headAt, long nowMillis, List<Dispatched> decisions) {
        Resources wanted = ranked[headAt].job.spec().resources();
        Amount freeNow = free();
        // The reservation: running jobs in the order their limits end; the head starts once enough are gone.
        List<RunningJob> byEnd = new ArrayList<>(running.values());
        byEnd.sort(Comparator.comparingLong(RunningJob::endMillis));
        long reservedStart = Long.MAX_VALUE;
        Amount leftBesideHead = new Amount(gpuTypes);
        Amount freeThen = free();
        for (int j = 0; j < byEnd.size(); j++) {
            RunningJob job = byEnd.get(j);
            if (job.endMillis() == Long.MAX_VALUE) {
                break;
            }
            freeThen.add(job.allocation());
            if (freeThen.fits(wanted)) {
                reservedStart = job.endMillis();
                // Everything whose limit ends by then is free then, not only the job that made the head fit.
                for (int rest = j + 1; rest < byEnd.size() && byEnd.get(rest).endMillis() == reservedStart; rest++) {
                    freeThen.add(byEnd.get(rest).allocation());
                }
                freeThen.subtract(wanted);
                leftBesideHead = freeThen;
                break;
            }
        }
        for (int i = headAt + 1; i < ranked.length; i++) {
            JobStatus job = ranked[i].job;
            Resources request = job.spec().resources();
            if (!freeNow.fits(request)) {
                continue;
            }
            boolean endsBeforeHead = job.spec().timeLimitSeconds() != null
                    && limitEnd(nowMillis, job.spec()) <= reservedStart;
            if (!endsBeforeHead && !leftBesideHead.fits(request)) {
                continue;
            }
            if (budgets.admit(job.spec(), ledger, nowMillis) != null) {
                continue;
            }
            Allocation allocation = pool.tryReserve(request);
            if (allocation == null) {
                continue;
            }
            freeNow.subtract(request);
            if (!endsBeforeHead) {
                leftBesideHead.subtract(request);
            }
            dispatch(job, allocation, nowMillis, true, decisions);
        }
    }

    private void dispatch(JobStatus job, Allocation allocation, long nowMillis, boolean backfilled, List<Dispatched> decisions) {
        long id = job.id().value();
        ready.remove(id);
        lines.remove(id);
        inFlight.put(id, allocation);
        running.put(id, new RunningJob(allocation, limitEnd(nowMillis, job.spec())));
        Priority priority = policy.recordedPriority(job, context);
        Map<String, Double> factors = new LinkedHashMap<>();
        priority.factors().forEach(f -> factors.put(f.name(), f.contribution()));
        decisions.add(new Dispatched(job.id(), job.attempt() + 1, allocation,
                new DecidedBy(policy.id(), priority.value(), factors, backfilled)));
        ledger.holdTentatively(job.id(), job.spec(), allocation, nowMillis);
    }

    private Amount free() {
        Amount free = new Amount(gpuTypes);
        free.cpus = pool.freeCpus();
        free.memoryMb = pool.freeMemoryMb();
        for (GpuDevice gpu : pool.inventory().gpus()) {
            if (pool.isGpuFree(gpu.id())) {
                free.gpus[gpuTypes.typeOf(gpu.id())]++;
            }
        }
        return free;
    }

    /** The machine's GPU types, smallest devices first (an untyped request takes from them first, as placement does). */
    private static final class GpuTypes {
        final List<String> names = new ArrayList<>();
        final Map<Integer, Integer> typeOfDevice = new HashMap<>();

        GpuTypes(MachineInventory machine) {
            machine.gpus().stream()
                    .sorted(Comparator.comparingLong(GpuDevice::memoryMb).thenComparingInt(GpuDevice::id))
                    .forEach(gpu -> {
                        if (!names.contains(gpu.type())) {
                            names.add(gpu.type());
                        }
                        typeOfDevice.put(gpu.id(), names.indexOf(gpu.type()));
                    });
        }

        int typeOf(int device) {
            return typeOfDevice.get(device);
        }
    }

    /** CPUs, memory and GPUs per type: what backfill plans with. */
    private static final class Amount {
        final GpuTypes types;
        final int[] gpus;
        int cpus;
        long memoryMb;

        Amount(GpuTypes types) {
            this.types = types;
            this.gpus = new int[types.names.size()];
        }

        void add(Allocation allocation) {
            cpus += allocation.cpus();
            memoryMb += allocation.memoryMb();
            for (int id : allocation.gpuIds()) {
                gpus[types.typeOf(id)]++;
            }
        }

        boolean fits(Resources r) {
            if (r.cpus() > cpus || r.memoryMb() > memoryMb) {
                return false;
            }
            if (r.gpuType() != null) {
                int t = types.names.indexOf(r.gpuType());
                return r.gpus() <= (t < 0 ? 0 : gpus[t]);
            }
            int all = 0;
            for (int count : gpus) {
                all += count;
            }
            return r.gpus() <= all;
        }

        void subtract(Resources r) {
            cpus -= r.cpus();
            memoryMb -= r.memoryMb();
            int left = r.gpus();
            if (r.gpuType() != null) {
                gpus[types.names.indexOf(r.gpuType())] -= left;
                return;
            }
            for (int t = 0; t < gpus.length && left > 0; t++) {
                int taken = Math.min(left, gpus[t]);
                gpus[t] -= taken;
                left -= taken;
            }
        }
    }
}
