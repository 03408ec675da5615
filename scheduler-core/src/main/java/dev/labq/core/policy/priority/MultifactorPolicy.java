package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.PrioritySettings;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        PrioritySettings settings = context.config().priority();
        PrioritySettings.Weights w = settings.weights();
        JobSpec spec = job.spec();
        List<Priority.Factor> factors = new ArrayList<>(7);
        Integer own = spec.importance();
        int importance = own != null ? own : context.projectImportance(spec.project());
        factors.add(Priority.Factor.of(IMPORTANCE, importanceValue(job, context), w.importance(),
                importance + (own != null ? " (the job's own)" : " (project " + spec.project() + ")")
                        + " of " + fairShares(context).maxImportance()));
        Long deadline = spec.deadlineMillis();
        String slack = deadline == null ? "no deadline"
                : "slack " + duration(slackMillis(job, context)) + " (deadline - now - predicted run time)";
        factors.add(Priority.Factor.of(DEADLINE, deadlineValue(job, context), w.deadline(), slack));
        factors.add(Priority.Factor.of(AGE, ageValue(job, context), w.age(),
                "waiting " + duration(Math.max(0, context.nowMillis() - job.submitMillis())) + " of "
                        + duration((long) (settings.maxAgeHours() * 3_600_000))));
        FairShareTable shares = fairShares(context);
        FairShareTable.Share project = shares.project(spec.project());
        factors.add(Priority.Factor.perAccount(FAIRSHARE, project.factor(), w.fairshare(), String.format(Locale.ROOT,
                "project %s: usage %.3f of all, share %.3f", spec.project(), project.usage(), project.share())));
        FairShareTable.Share user = shares.user(spec.project(), spec.user());
        factors.add(Priority.Factor.perAccount(FAIRSHARE_USER, user.factor(), w.fairshareUser(), String.format(Locale.ROOT,
                "user %s: usage %.3f of the project's, share %.3f", spec.user(), user.usage(), user.share())));
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

    @Override
    public double jobKey(JobStatus job, PolicyContext context) {
        PrioritySettings.Weights w = context.config().priority().weights();
        double key = w.importance() * importanceValue(job, context)
                + w.deadline() * deadlineValue(job, context)
                + w.age() * ageValue(job, context);
        if (w.size() > 0) {
            key += w.size() * sizeValue(job.spec().resources(), context.inventory());
        }
        int nice = job.spec().niceOrZero();
        if (nice > 0) {
            key -= w.nice() * (nice / (double) JobSpec.MAX_NICE);
        }
        return key;
    }

    @Override
    public double accountKey(String project, String user, PolicyContext context) {
        PrioritySettings.Weights w = context.config().priority().weights();
        FairShareTable shares = fairShares(context);
        return w.fairshare() * shares.project(project).factor() + w.fairshareUser() * shares.user(project, user).factor();
    }

    private double importanceValue(JobStatus job, PolicyContext context) {
        Integer own = job.spec().importance();
        int importance = own != null ? own : context.projectImportance(job.spec().project());
        return Math.min(1.0, importance / (double) fairShares(context).maxImportance());
    }

    private static long slackMillis(JobStatus job, PolicyContext context) {
        long predicted = context.predictor().predictSeconds(job.spec());
        return job.spec().deadlineMillis() - context.nowMillis() - Math.max(0, predicted) * 1000;
    }

    private static double deadlineValue(JobStatus job, PolicyContext context) {
        if (job.spec().deadlineMillis() == null) {
            return 0;
        }
        long slack = slackMillis(job, context);
        if (slack <= 0) {
            return 1;
        }
        return Math.pow(2, -slack / (context.config().priority().deadlineHalfLifeMinutes() * 60_000));
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
}
