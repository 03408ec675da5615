package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
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
import dev.labq.core.policy.priority.FairShareTable;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling state and the decision, without I/O: the job table and the usage ledger (the fold), the
 * ready index keyed by the {@link PriorityPolicy}, the budgets and the resource pool. The ring's decision
 * stage drives it; the simulator and the benchmarks drive it directly on a virtual clock.
 *
 * <p>Priorities: a job's own part (importance, deadline, age...) is computed for every ready job every
 * {@code priority.recomputeSeconds} (age and deadline urgency move with time) and at once after a
 * {@code ProjectSet}, all as of the same instant, so they compare; a job that becomes ready or is altered in
 * between is keyed as of that instant too. The part shared by an account (fair share) is computed for every
 * account at each decision, as usage moves with every start, end and second. Explanations show the
 * priority as of the moment they are asked.
 *
 * <p>Decision: the highest-priority ready job whose budgets admit it starts as soon as it fits. While it
 * waits for resources, EASY backfill (Lifka's, as in Slurm's backfill with one reservation) may start jobs
 * behind it that cannot delay it: its reserved start is the earliest time enough running jobs have reached
 * their time limits for it to fit, and a job behind it starts now if it fits now and either its own time
 * limit ends before that time or it uses only what the head leaves free then. Jobs without a time limit
 * never end in this plan, so a head waiting on one has no reserved time: jobs with a limit still backfill
 * (each holds resources for at most its limit), jobs without one do not. Backfill looks at the whole queue,
 * one bucket of same-shaped jobs of one account at a time ({@link ReadyIndex}). With backfill off, nothing
 * behind a waiting head starts. A job held back by its budget does not block the jobs behind it.
 *
 * <p>A decision reserves resources at once ("in flight") and is confirmed or voided when its
 * {@link Dispatched} entry comes back through the journal.
 *
 * <p>Not thread-safe: one thread owns it.
 */
public final class DecisionCore {
    private final JobTable table;
    private final UsageLedger ledger;
    private final Placement pool;
    private final PriorityPolicy policy;
    private final BudgetPolicy budgets;
    private final boolean backfill;
    private final long recomputeMillis;
    private final ReadyIndex ready = new ReadyIndex();
    private final Map<Long, Allocation> inFlight = new HashMap<>();
    /** Running and in-flight jobs with the time their limit ends them: backfill's plan of the future. */
    private final Map<Long, RunningJob> running = new HashMap<>();
    private final Capacity noCapacity;
    private PolicyContext context;
    /** The context every job's own key in the ready index was computed at: the last full recompute. */
    private PolicyContext keysContext;
    private long nextRecomputeMillis = Long.MIN_VALUE;
    private long accountKeysAt = Long.MIN_VALUE;
    private long accountKeysVersion = -1;
    private boolean recomputeAll;
    private JobId blockedHead;
    /** Why each bucket's jobs were held back by their budget at the last decision. */
    private final Map<ReadyIndex.Bucket, String> budgetBlocked = new IdentityHashMap<>();

    /**
     * @param table     the fold of the jobs (restored from the views, or empty)
     * @param ledger    the fold of usage, consistent with {@code table}
     * @param predictor run-time predictions for deadline slack
     */
    public DecisionCore(LabqConfig config, JobTable table, UsageLedger ledger, Placement pool, PriorityPolicy policy,
                        RuntimePredictor predictor) {
        this.table = table;
        this.ledger = ledger;
        this.pool = pool;
        this.policy = policy;
        this.budgets = new BudgetPolicy(config);
        this.backfill = config.scheduler().backfills();
        this.recomputeMillis = config.priority().recomputeSeconds() * 1000L;
        this.noCapacity = Capacity.none(pool.inventory());
        this.context = new PolicyContext(0, config, ledger, predictor, pool.inventory());
        this.keysContext = context;
        for (JobStatus job : table.all()) {
            if (job.state() == JobState.RUNNING && job.allocation() != null) {
                pool.reserve(job.allocation());
                running.put(job.id().value(), new RunningJob(job.allocation(), limitEnd(job.startMillis(), job.spec())));
                ledger.restoreRunning(job);
            }
        }
        for (JobStatus job : table.all()) {
            refreshReady(job);
        }
    }

    /** A core on a fresh table and ledger, with the configured policy and the time limit as prediction. */
    public static DecisionCore of(LabqConfig config, Placement pool) {
        return new DecisionCore(config, new JobTable(), new UsageLedger(config), pool, PriorityPolicy.configured(config),
                RuntimePredictor.timeLimit());
    }

    private record RunningJob(Allocation allocation, long endMillis) {
    }

    /** When a job started at {@code startMillis} reaches its time limit; never, without one. */
    private static long limitEnd(Long startMillis, JobSpec spec) {
        Long limit = spec.timeLimitSeconds();
        if (limit == null || startMillis == null) {
            return Long.MAX_VALUE;
        }
        long end = startMillis + limit * 1000;
        return end < startMillis ? Long.MAX_VALUE : end;
    }

    /** Applies one journal entry to the table and the ledger and keeps the ready index and the pool in step. */
    public List<JobChange> apply(long index, long timestampMillis, JournalEvent event) {
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
        if (event instanceof JournalEvent.ProjectSet) {
            recomputeAll = true; // importance and shares feed every job's key
        }
        for (JobChange change : changes) {
            follow(change);
        }
        return changes;
    }

    private void follow(JobChange change) {
        JobStatus before = change.before();
        JobStatus after = change.after();
        long id = after.id().value();
        if (after.state() == JobState.RUNNING && (before == null || before.state() != JobState.RUNNING)) {
            if (inFlight.remove(id) == null) {
                pool.reserve(after.allocation()); // dispatched by an earlier scheduler run
            }
            running.put(id, new RunningJob(after.allocation(), limitEnd(after.startMillis(), after.spec())));
        } else if (before != null && before.state() == JobState.RUNNING && after.state() != JobState.RUNNING) {
            pool.release(before.allocation());
            running.remove(id);
        } else if (after.state() == JobState.RUNNING && running.containsKey(id)) {
            running.put(id, new RunningJob(after.allocation(), limitEnd(after.startMillis(), after.spec())));
        }
        refreshReady(after);
        if (after.state() == JobState.COMPLETED) {
            for (JobId child : table.dependentsOf(after.id())) {
                refreshReady(table.get(child));
            }
        }
    }

    private void refreshReady(JobStatus job) {
        long id = job.id().value();
        if (job.state() == JobState.PENDING && !inFlight.containsKey(id) && table.dependenciesMet(job)) {
            // As of the last recompute, like every other key: keys computed at different times would not compare.
            ready.add(job, policy.jobKey(job, keysContext), policy.tiebreak(job),
                    policy.accountKey(job.spec().project(), job.spec().user(), context));
        } else {
            ready.remove(id);
        }
    }

    /** Brings priorities up to {@code nowMillis}: every job's on the period, every account's when anything moved. */
    private void refreshPriorities(long nowMillis) {
        context = context.at(nowMillis);
        if (recomputeAll || nowMillis >= nextRecomputeMillis) {
            keysContext = context;
            ready.rekeyAll(job -> policy.jobKey(job, keysContext));
            nextRecomputeMillis = nowMillis + recomputeMillis;
            recomputeAll = false;
            accountKeysAt = Long.MIN_VALUE;
        }
        if (nowMillis != accountKeysAt || ledger.version() != accountKeysVersion) {
            for (ReadyIndex.Account account : ready.accounts()) {
                account.key = policy.accountKey(account.project, account.user, context);
            }
            accountKeysAt = nowMillis;
            accountKeysVersion = ledger.version();
        }
    }

    /** Recomputes every ready job's priority at the next decision (the periodic recompute, on demand). */
    public void recomputeAll() {
        recomputeAll = true;
    }

    /**
     * Picks the jobs to start at {@code nowMillis}, in priority order, reserving their resources; returns the
     * dispatch entries to journal. Stops at the first job that does not fit, after backfilling behind it.
     */
    public List<Dispatched> decide(long nowMillis) {
        refreshPriorities(nowMillis);
        List<Dispatched> decisions = new ArrayList<>(2);
        blockedHead = null;
        budgetBlocked.clear();
        while (true) {
            ReadyIndex.Entry head = firstAdmitted(nowMillis);
            if (head == null) {
                break;
            }
            Allocation allocation = pool.tryReserve(head.job.spec().resources());
            if (allocation == null) {
                blockedHead = head.job.id();
                if (backfill) {
                    backfill(head, nowMillis, decisions);
                }
                break;
            }
            dispatch(head, allocation, nowMillis, false, decisions);
        }
        return decisions;
    }

    /** The best bucket head whose budgets admit it; buckets held back are remembered with their reason. */
    private ReadyIndex.Entry firstAdmitted(long nowMillis) {
        ReadyIndex.Entry best = null;
        for (ReadyIndex.Bucket bucket : ready.buckets()) {
            if (budgetBlocked.containsKey(bucket)) {
                continue;
            }
            ReadyIndex.Entry head = bucket.head();
            if (best != null && ReadyIndex.compare(head, best) >= 0) {
                continue;
            }
            String why = budgets.admit(head.job.spec(), ledger, nowMillis);
            if (why != null) {
                budgetBlocked.put(bucket, why);
                continue;
            }
            best = head;
        }
        return best;
    }

    private void dispatch(ReadyIndex.Entry entry, Allocation allocation, long nowMillis, boolean backfilled,
                          List<Dispatched> decisions) {
        JobStatus job = entry.job;
        ready.remove(job.id().value());
        inFlight.put(job.id().value(), allocation);
        running.put(job.id().value(), new RunningJob(allocation, limitEnd(nowMillis, job.spec())));
        Priority priority = policy.priority(job, context);
        Map<String, Double> factors = new LinkedHashMap<>();
        priority.factors().forEach(f -> factors.put(f.name(), f.contribution()));
        decisions.add(new Dispatched(job.id(), job.attempt() + 1, allocation,
                new DecidedBy(policy.id(), priority.value(), factors, backfilled)));
        // What it holds counts for the budgets of the jobs decided after it, until its dispatch is folded.
        ledger.holdTentatively(job.id(), job.spec(), allocation, nowMillis);
    }

    /** When the blocked head could start, and what it leaves free then: backfill's and explain's reservation. */
    private record Reservation(long startMillis, Capacity leftBesideHead) {
    }

    private Reservation reserve(Resources wanted) {
        Capacity freeThen = noCapacity.freeIn(pool);
        List<RunningJob> byEnd = new ArrayList<>(running.values());
        byEnd.sort(Comparator.comparingLong(RunningJob::endMillis));
        for (int i = 0; i < byEnd.size(); i++) {
            long end = byEnd.get(i).endMillis();
            if (end == Long.MAX_VALUE) {
                break;
            }
            freeThen.add(byEnd.get(i).allocation());
            if (freeThen.fits(wanted)) {
                // Everything that ends at that same instant is free then too, whatever order the sort left them in.
                for (int j = i + 1; j < byEnd.size() && byEnd.get(j).endMillis() == end; j++) {
                    freeThen.add(byEnd.get(j).allocation());
                }
                freeThen.subtract(wanted);
                return new Reservation(end, freeThen);
            }
        }
        return new Reservation(Long.MAX_VALUE, noCapacity.empty());
    }

    /**
     * EASY backfill behind {@code head} (see the class comment): repeatedly start the highest-priority job that
     * fits now and cannot delay the head, looking at each bucket's first job; the same sequence a scan of
     * the whole queue in order would start, as capacity only shrinks during a pass.
     */
    private void backfill(ReadyIndex.Entry head, long nowMillis, List<Dispatched> decisions) {
        Reservation reservation = reserve(head.job.spec().resources());
        Capacity leftBesideHead = reservation.leftBesideHead();
        Capacity freeNow = noCapacity.freeIn(pool);
        Map<ReadyIndex.Bucket, Boolean> refused = new IdentityHashMap<>();
        while (true) {
            ReadyIndex.Entry best = null;
            boolean bestEndsBeforeHead = false;
            for (ReadyIndex.Bucket bucket : ready.buckets()) {
                if (bucket == head.bucket || budgetBlocked.containsKey(bucket) || refused.containsKey(bucket)
                        || !freeNow.fits(bucket.shape)) {
                    continue; // same shape as the head: does not fit either
                }
                boolean endsBeforeHead = bucket.timeLimitSeconds != null
                        && limitEnd(nowMillis, bucket.head().job.spec()) <= reservation.startMillis();
                if (!endsBeforeHead && !leftBesideHead.fits(bucket.shape)) {
                    continue;
                }
                ReadyIndex.Entry candidate = bucket.head();
                if (best == null || ReadyIndex.compare(candidate, best) < 0) {
                    String why = budgets.admit(candidate.job.spec(), ledger, nowMillis);
                    if (why != null) {
                        budgetBlocked.put(bucket, why);
                        continue;
                    }
                    best = candidate;
                    bestEndsBeforeHead = endsBeforeHead;
                }
            }
            if (best == null) {
                return;
            }
            Resources request = best.job.spec().resources();
            Allocation allocation = pool.tryReserve(request);
            if (allocation == null) { // counts fit, devices or nodes do not (a cluster's fragmentation)
                refused.put(best.bucket, Boolean.TRUE);
                continue;
            }
            freeNow.subtract(request);
            if (!bestEndsBeforeHead) {
                leftBesideHead.subtract(request);
            }
            dispatch(best, allocation, nowMillis, true, decisions);
        }
    }

    /** Why a pending or held job is not running, in Slurm's words (and labq's {@code Budget...} ones). */
    public String pendingReason(JobStatus job) {
        if (job.state() == JobState.HELD) {
            return "Held";
        }
        if (job.state() != JobState.PENDING) {
            return job.reason();
        }
        if (inFlight.containsKey(job.id().value())) {
            return "Dispatching";
        }
        if (!table.dependenciesMet(job)) {
            return "Dependency";
        }
        String budget = budgets.admit(job.spec(), ledger, context.nowMillis());
        if (budget != null) {
            return budget;
        }
        return job.id().equals(blockedHead) ? "Resources" : "Priority";
    }

    /** The job's priority now, with its factors; {@code null} unless it is pending. */
    public Priority priority(JobStatus job) {
        return job.state() == JobState.PENDING || job.state() == JobState.HELD ? policy.priority(job, context) : null;
    }

    /**
     * Everything {@code labq explain} says about a job: its priority and factors, why it waits, the ready jobs
     * ahead of it (at most {@code maxAhead} ids, and how many in all), its budget, and when it is estimated to
     * start from the reservation plan.
     */
    public Explanation explain(JobId id, long nowMillis, int maxAhead) {
        JobStatus job = table.get(id);
        if (job == null) {
            return null;
        }
        refreshPriorities(nowMillis);
        String reason = pendingReason(job);
        Priority priority = priority(job);
        List<JobId> ahead = new ArrayList<>();
        long aheadCount = 0;
        Long estimatedStart = null;
        ReadyIndex.Entry self = ready.get(id.value());
        if (self != null) {
            List<ReadyIndex.Entry> before = new ArrayList<>();
            for (ReadyIndex.Entry e : ready.inOrder()) {
                if (e == self) {
                    break;
                }
                aheadCount++;
                if (ahead.size() < maxAhead) {
                    ahead.add(e.job.id());
                }
                if (before.size() <= ReservationPlan.MAX_PLANNED) {
                    before.add(e);
                }
            }
            if (reason.startsWith("Budget")) {
                estimatedStart = null;
            } else {
                estimatedStart = planStart(before, self, nowMillis);
            }
        } else if (job.state() == JobState.RUNNING) {
            estimatedStart = job.startMillis();
        }
        return new Explanation(job, policy.id(), priority, reason, ahead, aheadCount, estimatedStart,
                BudgetState.of(job.spec(), ledger, nowMillis));
    }

    private Long planStart(List<ReadyIndex.Entry> before, ReadyIndex.Entry self, long nowMillis) {
        if (before.size() > ReservationPlan.MAX_PLANNED) {
            return null;
        }
        ReservationPlan plan = new ReservationPlan(noCapacity.freeIn(pool), nowMillis);
        for (RunningJob job : running.values()) {
            plan.releaseAt(job.endMillis(), job.allocation());
        }
        for (ReadyIndex.Entry e : before) {
            if (budgets.admit(e.job.spec(), ledger, nowMillis) == null) {
                plan.place(e.job.spec().resources(), e.job.spec().timeLimitSeconds());
            }
        }
        long start = plan.place(self.job.spec().resources(), self.job.spec().timeLimitSeconds());
        return start == Long.MAX_VALUE ? null : start;
    }

    /** Every ready job in priority order, at most {@code limit}, with its priority (for {@code labq prio}). */
    public List<Explanation> priorities(long nowMillis, int limit) {
        refreshPriorities(nowMillis);
        List<Explanation> out = new ArrayList<>();
        long rank = 0;
        for (ReadyIndex.Entry e : ready.inOrder()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new Explanation(e.job, policy.id(), policy.priority(e.job, context), pendingReason(e.job), List.of(), rank++,
                    null, null));
        }
        return out;
    }

    /** Every project and each of its users, with shares, usage, fair share and budget (for {@code labq shares}). */
    public List<ShareRow> shares(long nowMillis) {
        refreshPriorities(nowMillis);
        FairShareTable table = new FairShareTable(context);
        List<ShareRow> rows = new ArrayList<>();
        for (String project : new java.util.TreeSet<>(context.config().projects().keySet())) {
            FairShareTable.Share p = table.project(project);
            int importance = context.projectImportance(project);
            rows.add(new ShareRow(project, null, context.share(project, null), p.share(), p.raw(), p.usage(), p.factor(),
                    importance, BudgetState.account(project, null, ledger, nowMillis)));
            for (Map.Entry<String, FairShareTable.Share> user : new java.util.TreeMap<>(table.users(project)).entrySet()) {
                FairShareTable.Share u = user.getValue();
                rows.add(new ShareRow(project, user.getKey(), context.share(project, user.getKey()), u.share(), u.raw(),
                        u.usage(), u.factor(), importance, BudgetState.account(project, user.getKey(), ledger, nowMillis)));
            }
        }
        return rows;
    }

    public JobTable table() {
        return table;
    }

    public UsageLedger ledger() {
        return ledger;
    }

    public Placement pool() {
        return pool;
    }

    public PriorityPolicy policy() {
        return policy;
    }

    public BudgetPolicy budgets() {
        return budgets;
    }

    public MachineInventory inventory() {
        return pool.inventory();
    }

    /** The context of the last decision (its time, the ledger, the configuration). */
    public PolicyContext context() {
        return context;
    }

    /** Ready jobs (pending, dependencies met), for tests and benchmarks. */
    public int readyCount() {
        return ready.size();
    }

    public boolean isInFlight(JobId job) {
        return inFlight.containsKey(job.value());
    }
}
