package dev.labq.core.policy.usage;

import dev.labq.core.config.Budget;
import dev.labq.core.config.BudgetPeriod;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.PrioritySettings;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobChange;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What every project, and every user within a project, has used and holds: the fold of the jobs' runs (from
 * the job changes of Dispatched, Finished and Requeued entries) and of administrators' {@code ProjectSet}
 * entries. Fair share reads the decayed usage, budgets the resources held now and the usage of the current
 * period. It is persisted in the usage view ({@link #drainChanged()}) and rebuilt by any fold of the journal.
 *
 * <p>Usage is billed as {@code cpu x CPU-seconds + gpu x GPU-seconds} ({@link PrioritySettings.Billing}).
 * Decayed usage halves every {@code usageHalfLifeHours}; a running job counts continuously from its start (its
 * decayed usage is integrated exactly), so fair share does not wait for long jobs to end. Period usage is
 * CPU- and GPU-seconds inside the current period of the account's budget ({@code none}: all time); a run
 * across a period boundary counts only its part inside the period.
 *
 * <p>Deterministic: times come from the entries, never from a clock, so a replay gives the same ledger.
 * Not thread-safe: owned by the thread that folds.
 */
public final class UsageLedger {
    private static final double LN2 = Math.log(2);

    private final LabqConfig config;
    private final double halfLifeSeconds;
    private final PrioritySettings.Billing billing;
    private final Map<String, Account> accounts = new TreeMap<>();
    /** The same accounts by (project, user): the decision reads them for every account at every decision. */
    private final Map<AccountName, Account> byName = new HashMap<>();
    private final Map<Long, Run> running = new HashMap<>();
    private final Map<String, Account> changed = new LinkedHashMap<>();
    private long version;
    /** Bumped by every {@code ProjectSet}: what importance and share overrides depend on. */
    private long overridesVersion;

    public UsageLedger(LabqConfig config) {
        this.config = config;
        this.halfLifeSeconds = config.priority().usageHalfLifeHours() * 3600;
        this.billing = config.priority().billing();
    }

    public static String projectKey(String project) {
        return "project:" + project;
    }

    public static String userKey(String project, String user) {
        return "user:" + project + "/" + user;
    }

    /** A running attempt as the ledger charges it. */
    private record Run(long job, String project, String user, long startMillis, long limitEndMillis, Allocation allocation) {
        double rate(PrioritySettings.Billing billing) {
            return billing.cpu() * allocation.cpus() + billing.gpu() * allocation.gpuCount();
        }
    }

    /** The mutable account behind {@link AccountUsage}, with what its running jobs hold. */
    private static final class Account {
        AccountUsage stored;
        final List<Run> runs = new ArrayList<>(2);
        int heldCpus;
        long heldMemoryMb;
        double heldGpus;

        Account(AccountUsage stored) {
            this.stored = stored;
        }
    }

    /** Puts an account back as loaded from the usage view. */
    public void restore(AccountUsage usage) {
        Account restored = new Account(usage);
        accounts.put(usage.key(), restored);
        byName.put(new AccountName(usage.project(), usage.user()), restored);
    }

    /** Puts a running job back as loaded from the jobs view (what it holds is not stored, it is derived). */
    public void restoreRunning(JobStatus job) {
        if (job.state() == JobState.RUNNING && job.allocation() != null && job.startMillis() != null) {
            startRun(job);
        }
    }

    /** Folds one entry: the job changes the job table made of it, and the entry itself for scheduler-wide ones. */
    public void apply(long index, long timestampMillis, JournalEvent event, List<JobChange> changes) {
        if (event instanceof JournalEvent.ProjectSet set) {
            setProject(index, set);
        }
        for (JobChange change : changes) {
            JobStatus before = change.before();
            JobStatus after = change.after();
            boolean wasRunning = before != null && before.state() == JobState.RUNNING;
            boolean isRunning = after.state() == JobState.RUNNING;
            if (!wasRunning && isRunning) {
                startRun(after);
            } else if (wasRunning && !isRunning) {
                endRun(index, timestampMillis, before, after);
            } else if (isRunning && !before.spec().equals(after.spec())) {
                Run run = running.get(after.id().value());
                if (run != null) { // a time limit altered while it runs: strict budgets reserve the new one
                    replaceRun(run, new Run(run.job(), run.project(), run.user(), run.startMillis(),
                            limitEnd(run.startMillis(), after.spec().timeLimitSeconds()), run.allocation()));
                }
            }
        }
    }

    private void setProject(long index, JournalEvent.ProjectSet set) {
        String key = set.user() == null ? projectKey(set.project()) : userKey(set.project(), set.user());
        Account account = account(key, set.project(), set.user());
        if (index <= account.stored.lastIndex()) {
            return;
        }
        AccountUsage u = account.stored;
        account.stored = new AccountUsage(u.project(), u.user(), u.jobs(), u.failed(), u.cpuSeconds(), u.gpuSeconds(),
                u.decayed(), u.decayedAtMillis(), u.periodStartMillis(), u.periodCpuSeconds(), u.periodGpuSeconds(),
                set.importance() != null ? set.importance() : u.importance(),
                set.share() != null ? set.share() : u.share(), index);
        changed.put(key, account);
        version++;
        overridesVersion++;
    }

    private void startRun(JobStatus job) {
        startRun(job.id().value(), job.spec(), job.allocation(), job.startMillis());
    }

    /**
     * Counts a job the decision has just started as holding its allocation from {@code startMillis}, so the
     * budgets of the jobs decided after it see it; its folded dispatch replaces this with the journal's time.
     */
    public void holdTentatively(JobId job, JobSpec spec, Allocation allocation, long startMillis) {
        startRun(job.value(), spec, allocation, startMillis);
    }

    /** Forgets a tentative hold whose dispatch did not apply (the job was cancelled meanwhile). */
    public void releaseTentative(JobId job) {
        Run run = running.remove(job.value());
        if (run != null) {
            drop(run);
        }
    }

    private void drop(Run run) {
        for (Account account : both(run.project(), run.user())) {
            account.runs.remove(run);
            account.heldCpus -= run.allocation().cpus();
            account.heldMemoryMb -= run.allocation().memoryMb();
            account.heldGpus -= run.allocation().gpuCount();
        }
        version++;
    }

    private void startRun(long id, JobSpec spec, Allocation allocation, long startMillis) {
        Run previous = running.remove(id);
        if (previous != null) {
            drop(previous); // a tentative hold, now confirmed by the journal
        }
        Run run = new Run(id, spec.project(), spec.user(), startMillis,
                limitEnd(startMillis, spec.timeLimitSeconds()), allocation);
        running.put(run.job(), run);
        for (Account account : both(run.project(), run.user())) {
            account.runs.add(run);
            account.heldCpus += run.allocation().cpus();
            account.heldMemoryMb += run.allocation().memoryMb();
            account.heldGpus += run.allocation().gpuCount();
        }
        version++;
    }

    private void replaceRun(Run old, Run replacement) {
        running.put(old.job(), replacement);
        for (Account account : both(old.project(), old.user())) {
            account.runs.set(account.runs.indexOf(old), replacement);
        }
        version++;
    }

    private static long limitEnd(long start, Long limitSeconds) {
        if (limitSeconds == null) {
            return Long.MAX_VALUE;
        }
        long end = start + limitSeconds * 1000;
        return end < start ? Long.MAX_VALUE : end;
    }

    private void endRun(long index, long endMillis, JobStatus ran, JobStatus ended) {
        Run run = running.remove(ran.id().value());
        if (run == null) {
            return;
        }
        boolean terminal = ended.isTerminal();
        boolean failed = terminal && ended.state() != JobState.COMPLETED;
        drop(run);
        for (Account account : both(run.project(), run.user())) {
            if (index > account.stored.lastIndex()) {
                account.stored = charge(account.stored, run, endMillis, terminal, failed, index);
                changed.put(account.stored.key(), account);
            }
        }
    }

    private AccountUsage charge(AccountUsage u, Run run, long endMillis, boolean terminal, boolean failed, long index) {
        long end = Math.max(endMillis, run.startMillis());
        double seconds = (end - run.startMillis()) / 1000.0;
        double gpus = run.allocation().gpuCount();
        BudgetPeriod period = periodOf(u.project(), u.user());
        long periodStart = period.startOf(end);
        double periodCpu = periodStart == u.periodStartMillis() ? u.periodCpuSeconds() : 0;
        double periodGpu = periodStart == u.periodStartMillis() ? u.periodGpuSeconds() : 0;
        double inPeriod = (end - Math.max(run.startMillis(), periodStart)) / 1000.0;
        return new AccountUsage(u.project(), u.user(), u.jobs() + (terminal ? 1 : 0), u.failed() + (failed ? 1 : 0),
                u.cpuSeconds() + seconds * run.allocation().cpus(), u.gpuSeconds() + seconds * gpus,
                decayed(u, end) + runDecayed(run, end), end,
                periodStart, periodCpu + inPeriod * run.allocation().cpus(), periodGpu + inPeriod * gpus,
                u.importance(), u.share(), index);
    }

    /** The stored decayed usage, decayed further to {@code atMillis}. */
    private double decayed(AccountUsage u, long atMillis) {
        if (u.decayed() == 0) {
            return 0;
        }
        double elapsed = Math.max(0, atMillis - u.decayedAtMillis()) / 1000.0;
        return u.decayed() * Math.pow(2, -elapsed / halfLifeSeconds);
    }

    /** A run's decayed usage at {@code atMillis}: the integral of rate x 2^(-(at - t)/h) over its run so far. */
    private double runDecayed(Run run, long atMillis) {
        double elapsed = Math.max(0, atMillis - run.startMillis()) / 1000.0;
        return run.rate(billing) * halfLifeSeconds / LN2 * (1 - Math.pow(2, -elapsed / halfLifeSeconds));
    }

    /** The period of the budget of a project ({@code user} null) or of a user within it. */
    public BudgetPeriod periodOf(String project, String user) {
        Budget budget = budgetOf(project, user);
        return budget == null ? NO_PERIOD : budget.periods();
    }

    private static final BudgetPeriod NO_PERIOD = new BudgetPeriod(BudgetPeriod.Kind.NONE, 0);

    /** The configured budget of a project ({@code user} null) or of a user within it, or null. */
    public Budget budgetOf(String project, String user) {
        LabqConfig.Project p = config.projects().get(project);
        if (p == null) {
            return null;
        }
        return user == null ? p.budget() : p.user(user).budget();
    }

    private Account account(String key, String project, String user) {
        return accounts.computeIfAbsent(key, k -> {
            Account created = new Account(AccountUsage.empty(project, user));
            byName.put(new AccountName(project, user), created);
            return created;
        });
    }

    private record AccountName(String project, String user) {
    }

    /** A project's account ({@code user} null) or a user's, or null: without building its key. */
    private Account find(String project, String user) {
        return byName.get(new AccountName(project, user));
    }

    private List<Account> both(String project, String user) {
        return List.of(account(projectKey(project), project, null), account(userKey(project, user), project, user));
    }

    // --- reading ---

    /** Bumped by every change of usage, held resources or overrides: cached priorities older than it may be stale. */
    public long version() {
        return version;
    }

    /** Changes with every {@code ProjectSet} folded, and only then. */
    public long overridesVersion() {
        return overridesVersion;
    }

    /** Decayed usage (billing units) of a project ({@code user} null) or a user within it, as of {@code now}. */
    public double decayedUsage(String project, String user, long nowMillis) {
        Account account = find(project, user);
        if (account == null) {
            return 0;
        }
        double sum = decayed(account.stored, nowMillis);
        for (Run run : account.runs) {
            sum += runDecayed(run, nowMillis);
        }
        return sum;
    }

    /** What a project ({@code user} null) or user holds now through its running jobs. */
    public Held held(String project, String user) {
        Account account = find(project, user);
        return account == null ? Held.NONE : new Held(account.heldCpus, account.heldMemoryMb, account.heldGpus);
    }

    /** Resources held at once. */
    public record Held(int cpus, long memoryMb, double gpus) {
        public static final Held NONE = new Held(0, 0, 0);
    }

    /**
     * Usage inside the period holding {@code now}: what ended runs used plus what running jobs have used so
     * far, and what running jobs may still use up to their time limits (infinite for one without a limit).
     */
    public PeriodUsage periodUsage(String project, String user, long nowMillis) {
        BudgetPeriod period = periodOf(project, user);
        long start = period.startOf(nowMillis);
        long end = period.endOf(start);
        Account account = find(project, user);
        if (account == null) {
            return new PeriodUsage(start, end, 0, 0, 0, 0);
        }
        AccountUsage u = account.stored;
        double cpu = u.periodStartMillis() == start ? u.periodCpuSeconds() : 0;
        double gpu = u.periodStartMillis() == start ? u.periodGpuSeconds() : 0;
        double reservedCpu = 0;
        double reservedGpu = 0;
        for (Run run : account.runs) {
            double soFar = Math.max(0, nowMillis - Math.max(run.startMillis(), start)) / 1000.0;
            cpu += soFar * run.allocation().cpus();
            gpu += soFar * run.allocation().gpuCount();
            double left = run.limitEndMillis() == Long.MAX_VALUE ? Double.POSITIVE_INFINITY
                    : Math.max(0, Math.min(run.limitEndMillis(), end) - nowMillis) / 1000.0;
            reservedCpu += left * run.allocation().cpus();
            if (!run.allocation().gpuIds().isEmpty()) {
                reservedGpu += left * run.allocation().gpuCount();
            }
        }
        return new PeriodUsage(start, end, cpu, gpu, reservedCpu, reservedGpu);
    }

    /**
     * CPU- and GPU-seconds of one period.
     *
     * @param startMillis        the period's start ({@code Long.MIN_VALUE}: all time)
     * @param endMillis          its end, exclusive ({@code Long.MAX_VALUE}: never)
     * @param reservedCpuSeconds what running jobs may still use before their time limits (or the period's end)
     */
    public record PeriodUsage(long startMillis, long endMillis, double cpuSeconds, double gpuSeconds,
                              double reservedCpuSeconds, double reservedGpuSeconds) {
    }

    /** The importance an administrator set for a project with {@code labq project set}, or null. */
    public Integer importanceOverride(String project) {
        Account account = find(project, null);
        return account == null ? null : account.stored.importance();
    }

    /** The share set for a project ({@code user} null) or user with {@code labq project set}, or null. */
    public Double shareOverride(String project, String user) {
        Account account = find(project, user);
        return account == null ? null : account.stored.share();
    }

    /** Users of {@code project} the ledger has seen (with usage, running jobs or a set share). */
    public List<String> usersOf(String project) {
        List<String> users = new ArrayList<>();
        for (Account account : accounts.values()) {
            AccountUsage u = account.stored;
            if (u.user() != null && u.project().equals(project)) {
                users.add(u.user());
            }
        }
        return users;
    }

    /** Every account, project ones and user ones, as stored. */
    public Collection<AccountUsage> accounts() {
        List<AccountUsage> all = new ArrayList<>(accounts.size());
        accounts.values().forEach(a -> all.add(a.stored));
        return all;
    }

    /** The accounts changed since the last call, to write into the usage view. */
    public List<AccountUsage> drainChanged() {
        if (changed.isEmpty()) {
            return List.of();
        }
        List<AccountUsage> out = new ArrayList<>(changed.size());
        changed.values().forEach(a -> out.add(a.stored));
        changed.clear();
        return out;
    }

    public LabqConfig config() {
        return config;
    }
}
