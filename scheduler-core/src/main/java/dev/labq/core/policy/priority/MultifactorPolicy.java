package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.PrioritySettings;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.PipelineTask;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * labq's default policy, after Slurm's multifactor plugin: the priority is the sum of weight x factor, each
 * factor in [0, 1] (weights in {@code priority.weights}).
 *
 * <ul>
 *   <li>{@code importance}: the job's own importance, else its project's, over the highest project importance.</li>
 *   <li>{@code deadline}: urgency from slack = deadline - now - predicted run time (the time limit until a
 *       predictor knows better): 1 when slack is 0 or less, halving every {@code deadlineHalfLifeMinutes} of
 *       slack; 0 without a deadline.</li>
 *   <li>{@code age}: time waiting since submission over {@code maxAgeHours}, capped at 1.</li>
 *   <li>{@code fairshare}: Slurm's classic {@code 2^(-U/S)} for the project: U its decayed usage over all
 *       projects', S its share over all projects' shares. 1 for a project that used nothing, 1/2 for one that
 *       used exactly its share, towards 0 for one far over it; 0 for a share of 0.</li>
 *   <li>{@code fairshareUser}: the same for the user within the project (users not configured have share 1).</li>
 *   <li>{@code size}: 1 - the largest fraction of the machine's CPUs, memory or GPUs the job asks for (favours
 *       small jobs; weight 0 by default).</li>
 *   <li>{@code nice}: the job's nice over 10000, subtracted.</li>
 * </ul>
 *
 * <p>Why no project starves: a project that gets nothing has usage 0 and fair share 1, while whichever project
 * keeps running accumulates usage above its share (together the others' shares are less than 1), so its fair
 * share falls below 1/2. When {@code weights.fairshare / 2} is more than {@code importance + age + size +
 * fairshareUser} weights together (true of the defaults: 1500 > 1400), the starved project's jobs
 * without deadlines overtake. Deadlines are meant to pull work forward and may.
 *
 * <p>Not thread-safe (a cache of the fair-share table per time and ledger version): one decision thread.
 */
public final class MultifactorPolicy implements PriorityPolicy {
    public static final String IMPORTANCE = "importance";
    public static final String DEADLINE = "deadline";
    public static final String AGE = "age";
    public static final String FAIRSHARE = "fairshare";
    public static final String FAIRSHARE_USER = "fairshareUser";
    public static final String SIZE = "size";
    public static final String NICE = "nice";

    private FairShareTable cached;
    private Importances importances;

    @Override
    public String name() {
        return LabqConfig.Settings.POLICY_MULTIFACTOR;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Priority priority(JobStatus job, PolicyContext context) {
        return priority(job, context, true);
    }

    @Override
    public Priority recordedPriority(JobStatus job, PolicyContext context) {
        return priority(job, context, false);
    }

    private Priority priority(JobStatus job, PolicyContext context, boolean explained) {
        PrioritySettings settings = context.config().priority();
        PrioritySettings.Weights w = settings.weights();
        JobSpec spec = job.spec();
        List<Priority.Factor> factors = new ArrayList<>(7);
        FairShareTable shares = fairShares(context);
        factors.add(Priority.Factor.of(IMPORTANCE, importanceValue(job, context), w.importance(),
                explained ? importanceDetail(job, context, shares) : ""));
        factors.add(Priority.Factor.of(DEADLINE, deadlineValue(job, context), w.deadline(),
                explained ? deadlineDetail(job, context) : ""));
        factors.add(Priority.Factor.of(AGE, ageValue(job, context), w.age(), !explained ? ""
                : "waiting " + duration(Math.max(0, context.nowMillis() - job.submitMillis())) + " of "
                        + duration((long) (settings.maxAgeHours() * 3_600_000))));
        FairShareTable.Share project = shares.project(spec.project());
        factors.add(Priority.Factor.perAccount(FAIRSHARE, project.factor(), w.fairshare(), !explained ? ""
                : String.format(Locale.ROOT, "project %s: usage %.3f of all, share %.3f", spec.project(), project.usage(),
                        project.share())));
        FairShareTable.Share user = shares.user(spec.project(), spec.user());
        factors.add(Priority.Factor.perAccount(FAIRSHARE_USER, user.factor(), w.fairshareUser(), !explained ? ""
                : String.format(Locale.ROOT, "user %s: usage %.3f of the project's, share %.3f", spec.user(), user.usage(),
                        user.share())));
        if (w.size() > 0) {
            factors.add(Priority.Factor.of(SIZE, sizeValue(spec.resources(), context.inventory()), w.size(),
                    "favours small jobs"));
        }
        if (spec.niceOrZero() > 0) {
            factors.add(Priority.Factor.lowering(NICE, spec.niceOrZero() / (double) JobSpec.MAX_NICE, w.nice(),
                    "nice " + spec.niceOrZero()));
        }
        return Priority.sumOf(factors);
    }

    private static String importanceDetail(JobStatus job, PolicyContext context, FairShareTable shares) {
        Integer own = job.spec().importance();
        int importance = own != null ? own : context.projectImportance(job.spec().project());
        return importance + (own != null ? " (the job's own)" : " (project " + job.spec().project() + ")")
                + " of " + shares.maxImportance();
    }

    private static String deadlineDetail(JobStatus job, PolicyContext context) {
        return job.spec().deadlineMillis() == null ? "no deadline"
                : "slack " + duration(slackMillis(job, context)) + " (deadline - now - predicted run time)";
    }

    @Override
    public double jobKey(JobStatus job, PolicyContext context) {
        return keyLine(job, context).at(context.nowMillis());
    }

    /**
     * Importance, size and nice do not move; age rises at {@code weights.age / maxAge} for every job until its
     * cap, so the line rises at that rate until the job has waited {@code maxAgeHours}, then stays; deadline
     * urgency follows no line, so a job with a deadline still ahead of its slack is refreshed within a period.
     */
    @Override
    public KeyLine keyLine(JobStatus job, PolicyContext context) {
        PrioritySettings settings = context.config().priority();
        PrioritySettings.Weights w = settings.weights();
        Long deadline = job.spec().deadlineMillis();
        long slack = deadline == null ? 0 : slackMillis(job, context);
        double urgency = deadline == null ? 0 : urgency(slack, settings);
        double fixed = w.importance() * importanceValue(job, context) + w.deadline() * urgency;
        if (w.size() > 0) {
            fixed += w.size() * sizeValue(job.spec().resources(), context.inventory());
        }
        int nice = job.spec().niceOrZero();
        if (nice > 0) {
            fixed -= w.nice() * (nice / (double) JobSpec.MAX_NICE);
        }
        long now = context.nowMillis();
        long until = deadline == null ? Long.MAX_VALUE : deadlineRefresh(job, context, slack, urgency);
        double maxAgeMillis = settings.maxAgeHours() * 3_600_000;
        long submit = job.submitMillis();
        if (w.age() == 0) {
            return KeyLine.constant(fixed, until);
        }
        if (now < submit) { // not waiting yet (clocks of two machines): no age until it is
            return KeyLine.constant(fixed, Math.min(until, submit));
        }
        long capped = submit + (long) Math.ceil(maxAgeMillis);
        if (now >= capped) {
            return KeyLine.constant(fixed + w.age(), until);
        }
        double rate = w.age() / maxAgeMillis;
        // fixed + rate * (t - submit), written so that jobs with the same inputs get the same origin to the bit
        return new KeyLine(fixed - rate * submit, rate, Math.min(until, capped));
    }

    /**
     * When the deadline urgency must be computed afresh: never without a deadline or once slack is gone (it is
     * 1 then); at the next refresh of the period while it rises by more than {@code deadlineResolution} points a
     * period; else when it will have risen by that much. Never after slack runs out, when it becomes 1.
     */
    private static long deadlineRefresh(JobStatus job, PolicyContext context, long slack, double urgency) {
        PrioritySettings settings = context.config().priority();
        double weight = settings.weights().deadline();
        if (weight == 0 || slack <= 0) {
            return Long.MAX_VALUE;
        }
        long now = context.nowMillis();
        double halfLifeMillis = settings.deadlineHalfLifeMinutes() * 60_000;
        double contribution = weight * urgency;
        // contribution x 2^(d / halfLife) = contribution + resolution
        double untilRisen = contribution > 0
                ? halfLifeMillis * Math.log1p(settings.deadlineResolution() / contribution) / Math.log(2)
                : Double.POSITIVE_INFINITY;
        long refresh = Math.max(KeyLine.nextRefresh(job, context), now + (long) Math.min(untilRisen, slack));
        return Math.min(refresh, now + slack);
    }

    /**
     * Among jobs of equal priority, a pipeline ordered by Landseer's policy runs its tasks by Landseer's
     * priority (its jobs share one submission, so everything else ties); other jobs have rank 0.
     */
    @Override
    public long tiebreak(JobStatus job) {
        PipelineTask task = job.spec().pipeline();
        return task != null && task.rank() != null ? task.rank() : 0;
    }

    @Override
    public double accountKey(String project, String user, PolicyContext context) {
        PrioritySettings.Weights w = context.config().priority().weights();
        FairShareTable shares = fairShares(context);
        return w.fairshare() * shares.project(project).factor() + w.fairshareUser() * shares.user(project, user).factor();
    }

    /** The job's own importance, else its project's, over the highest project importance. */
    private double importanceValue(JobStatus job, PolicyContext context) {
        Integer own = job.spec().importance();
        if (own != null) {
            return Math.min(1.0, own / (double) importances(context).max);
        }
        return importances(context).of(job.spec().project(), context);
    }

    private static long slackMillis(JobStatus job, PolicyContext context) {
        long predicted = context.predictor().predictSeconds(job.spec());
        return job.spec().deadlineMillis() - context.nowMillis() - Math.max(0, predicted) * 1000;
    }

    private static double deadlineValue(JobStatus job, PolicyContext context) {
        return job.spec().deadlineMillis() == null ? 0 : urgency(slackMillis(job, context), context.config().priority());
    }

    /** 1 at no slack, halving every {@code deadlineHalfLifeMinutes} of it. */
    private static double urgency(long slackMillis, PrioritySettings settings) {
        return slackMillis <= 0 ? 1 : Math.pow(2, -slackMillis / (settings.deadlineHalfLifeMinutes() * 60_000));
    }

    private static double ageValue(JobStatus job, PolicyContext context) {
        double waited = Math.max(0, context.nowMillis() - job.submitMillis());
        return Math.min(1.0, waited / (context.config().priority().maxAgeHours() * 3_600_000));
    }

    private static double sizeValue(Resources r, MachineInventory machine) {
        double largest = (double) r.cpus() / machine.cpus();
        if (machine.memoryMb() > 0) {
            largest = Math.max(largest, (double) r.memoryMb() / machine.memoryMb());
        }
        if (!machine.gpus().isEmpty()) {
            largest = Math.max(largest, (double) r.gpus() / machine.gpus().size());
        }
        return Math.max(0, 1 - Math.min(1, largest));
    }

    private static String duration(long millis) {
        String sign = millis < 0 ? "-" : "";
        long s = Math.abs(millis) / 1000;
        if (s >= 86_400) {
            return String.format(Locale.ROOT, "%s%dd%02dh", sign, s / 86_400, s / 3600 % 24);
        }
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%s%dh%02dm", sign, s / 3600, s / 60 % 60);
        }
        return String.format(Locale.ROOT, "%s%dm%02ds", sign, s / 60, s % 60);
    }

    /** The fair-share table as of the context's time and ledger version: computed once, read by every job. */
    private FairShareTable fairShares(PolicyContext context) {
        FairShareTable table = cached;
        if (table == null || !table.isFor(context)) {
            table = new FairShareTable(context);
            cached = table;
        }
        return table;
    }

    /** Project importances over the highest: they change only with the configuration and {@code project set}. */
    private Importances importances(PolicyContext context) {
        Importances known = importances;
        if (known == null || !known.isFor(context)) {
            known = new Importances(context);
            importances = known;
        }
        return known;
    }

    private static final class Importances {
        private final LabqConfig config;
        private final Object ledger;
        private final long overrides;
        final int max;
        private final Map<String, Double> values = new HashMap<>();

        Importances(PolicyContext context) {
            this.config = context.config();
            this.ledger = context.ledger();
            this.overrides = context.ledger().overridesVersion();
            this.max = context.highestImportance();
        }

        boolean isFor(PolicyContext context) {
            return context.config() == config && context.ledger() == ledger
                    && context.ledger().overridesVersion() == overrides;
        }

        double of(String project, PolicyContext context) {
            Double value = values.get(project);
            if (value == null) {
                value = Math.min(1.0, context.projectImportance(project) / (double) max);
                values.put(project, value);
            }
            return value;
        }
    }
}
