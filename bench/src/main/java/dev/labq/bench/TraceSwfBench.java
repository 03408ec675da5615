package dev.labq.bench;

import dev.labq.bench.sim.Metrics;
import dev.labq.bench.sim.SchedulingPolicy;
import dev.labq.bench.sim.SimulationReport;
import dev.labq.bench.sim.SimulationRun;
import dev.labq.bench.sim.SwfTrace;
import dev.labq.bench.sim.TraceJob;
import dev.labq.bench.sim.Workload;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.PrioritySettings;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Replays an SWF trace (default: KTH's IBM SP2, 1996-97, in bench/workloads) through the simulator under
 * FCFS, EASY and labq, next to the waits the trace's own production scheduler (EASY) recorded.
 *
 * <p>The machine is one host with the trace's MaxProcs CPUs (MaxNodes without it, the largest job without
 * either). SWF groups (field 13) become labq projects and SWF users (field 12) the users within them, every
 * project of the same importance and share (KTH published no priorities), every user of share 1 within its
 * project. labq runs the multifactor policy with the weights of {@link #LABQ_PRIORITY}, stated in the output:
 * fair share per group and per user within the group, and age. Time limits are the requested times, or with
 * {@code --estimate runtime} the run times, for traces that recorded no requests. A trace that recorded no
 * waits has no production row.
 */
public final class TraceSwfBench implements Harness {
    static final String DEFAULT_TRACE = "bench/workloads/KTH-SP2-1996-2.1-cln.swf.gz";
    private static final String USAGE = "usage: trace-swf [--trace FILE.swf[.gz]] [--skip N] [--jobs N] "
            + "[--estimate requested|runtime] [--out DIR]";
    private static final int QUICK_JOBS = 3_000;
    static final int PROJECT_IMPORTANCE = 10;

    /**
     * labq's priority on an SWF trace, set here rather than taken from {@code config/labq.yaml} (see
     * BENCHMARKS.md, trace-swf, for the measurements behind it):
     * <ul>
     *   <li>fair share, {@code 3000} for the group and {@code 3000} for the user within it: SWF traces differ in
     *       what a group is (at KTH most groups have one user; many traces record no group, -1 for every job,
     *       and then the user level is the only one that tells accounts apart), so neither level is favoured;</li>
     *   <li>age {@code 6000}, the two fair-share weights together, over {@code maxAgeHours 168}: a job that has
     *       waited a week outranks any job submitted after it, whatever the accounts' usage, so fair share
     *       reorders the queue but starves no one (with a smaller age weight heavy accounts' wide jobs wait
     *       for months and the machine idles around them);</li>
     *   <li>usage half-life {@code 168} h: long against the jobs and the waits (hours to days), so an account's
     *       standing reflects weeks of use, not its last job; short against a trace of months (KTH: 333 days,
     *       about 48 half-lives), so what an account ran a month ago counts a sixteenth; Slurm's default
     *       {@code PriorityDecayHalfLife} too. The same time scale as {@code maxAgeHours}: in the week a job
     *       ages fully, its account's past usage halves;</li>
     *   <li>importance {@code 1000}: every group is of the same importance, so it adds the same to every job;
     *       deadline, size and nice {@code 0}: SWF records no deadlines or nice, and the policy asked for is fair
     *       share and age (a size factor would favour narrow jobs, not the short ones slowdown counts);</li>
     *   <li>recompute every {@code 60} s: age moves 6000 / 168 h, about 0.6 points a minute; usage applies at once.</li>
     * </ul>
     */
    static final PrioritySettings LABQ_PRIORITY = new PrioritySettings(
            new PrioritySettings.Weights(1000.0, 0.0, 6000.0, 3000.0, 3000.0, 0.0, 0.0),
            168.0, 60.0, 168.0, 60, new PrioritySettings.Billing(1.0, 16.0));

    @Override
    public String summary() {
        return "replay an SWF trace (KTH SP2 by default) under fcfs, easy and labq vs the production scheduler's recorded waits";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs options = HarnessArgs.parse(args, USAGE, List.of("--trace", "--skip", "--jobs", "--estimate", "--out"));
        Path root = HarnessArgs.root();
        Path file = options.path("--trace", root.resolve(DEFAULT_TRACE));
        int skip = options.wholeNumber("--skip", 0, 0);
        int limit = options.wholeNumber("--jobs", quick ? QUICK_JOBS : Integer.MAX_VALUE, 1);
        SwfTrace.Estimate estimate = options.choice("--estimate", SwfTrace.Estimate.REQUESTED);
        Path outDir = options.path("--out", root.resolve("bench/target/sim"));

        SwfTrace trace = SwfTrace.read(file, skip, limit, estimate);
        if (trace.jobs().isEmpty()) {
            throw new UsageException("--trace " + file + ": no job to replay (" + (skip > 0 ? "--skip " + skip + ", then " : "")
                    + trace.skipped() + " with no run time or processors, "
                    + trace.tooLarge() + " larger than the machine's " + trace.cpus() + " CPUs)", USAGE);
        }
        Workload workload = workload(trace);
        out.printf(Locale.ROOT, "trace-swf: %s, %d jobs (%d skipped: no run time or processors; %d larger than the machine), "
                        + "%d CPUs, %d projects of importance %d%n",
                trace.name(), trace.jobs().size(), trace.skipped(), trace.tooLarge(), trace.cpus(),
                workload.config().projects().size(), PROJECT_IMPORTANCE);
        if (skip > 0) {
            out.printf(Locale.ROOT, "  slice: from job line %d of the file (--skip %d), time 0 at its first job, no usage before it%n",
                    skip + 1, skip);
        }
        describeInputs(trace, out);
        policyLines(workload.config()).forEach(out::println);
        SimulationReport report = new SimulationReport("swf", workload);
        List<SimulationRun> runs = report.simulateAll(List.of(SchedulingPolicy.values()), outDir, out);
        if (trace.recordedWaits() > 0) {
            report.add("production", "the trace's own scheduler (EASY at KTH): recorded waits, field 3",
                    Metrics.of(Metrics.recorded(trace.jobs()), Workload.Unit.CPUS, trace.cpus(), Double.NaN, workload.cpuBudgets()));
        }
        out.println();
        report.printTable(out);
        whyLines(trace, runs).forEach(out::println);
        out.println("  files: " + report.writeJson(outDir) + " and <policy>.jobs.jsonl timelines beside it");
        report.printResults(out, "easy", false);
        return BenchMain.OK;
    }

    /** One line each on what the replay is built from where the trace leaves something out. */
    private static void describeInputs(SwfTrace trace, PrintStream out) {
        int jobs = trace.jobs().size();
        out.printf(Locale.ROOT, "  machine: %d CPUs from %s%n", trace.cpus(), trace.sizedBy().description());
        if (trace.estimate() == SwfTrace.Estimate.RUNTIME) {
            out.printf(Locale.ROOT, "  time limits: each job's run time, field 4 (--estimate runtime: exact estimates); "
                    + "%d of %d jobs have no requested time%n", trace.noRequestedTime(), jobs);
        } else if (trace.noRequestedTime() > 0) {
            out.printf(Locale.ROOT, "  time limits: %d of %d jobs have no requested time (field 9 is -1), so no limit: "
                    + "no policy can backfill them (easy then equals fcfs)%n", trace.noRequestedTime(), jobs);
            out.println("  hint: --estimate runtime takes each job's run time (field 4) as its limit");
        } else {
            out.printf(Locale.ROOT, "  time limits: requested time, field 9 (--estimate requested), raised to the run time "
                    + "for %d jobs that ran longer%n", trace.overran());
        }
        if (trace.recordedWaits() == 0) {
            out.println("  production: n/a, the trace records no waits (field 3 is -1 for every job): no production row or RESULT lines");
        } else if (trace.recordedWaits() < jobs) {
            out.printf(Locale.ROOT, "  production: recorded waits for %d of %d jobs (field 3 is -1 for the rest); its row covers those only%n",
                    trace.recordedWaits(), jobs);
        }
    }

    /** The two {@code labq policy:} lines: who the accounts are, and every setting of the priority, from {@code config}. */
    static List<String> policyLines(LabqConfig config) {
        int users = config.projects().values().stream().mapToInt(p -> p.users().size()).sum();
        PrioritySettings p = config.priority();
        PrioritySettings.Weights w = p.weights();
        return List.of(
                String.format(Locale.ROOT, "  labq policy: %s, backfill %s; projects = SWF groups (field 13): %d, importance %d, share 1 each; "
                                + "users = SWF users (field 12) within their group: %d user-group pairs, share 1 each",
                        config.scheduler().policy(), config.scheduler().backfill(), config.projects().size(), PROJECT_IMPORTANCE, users),
                String.format(Locale.ROOT, "  labq policy: weights fairshare %s, fairshareUser %s, age %s, importance %s, deadline %s, size %s, "
                                + "nice %s; maxAgeHours %s, usageHalfLifeHours %s, recomputeSeconds %d, billing cpu %s",
                        number(w.fairshare()), number(w.fairshareUser()), number(w.age()), number(w.importance()),
                        number(w.deadline()), number(w.size()), number(w.nice()), number(p.maxAgeHours()),
                        number(p.usageHalfLifeHours()), p.recomputeSeconds(), number(p.billing().cpu())));
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * Where labq's order moves the waiting: the accounts that did half the work against all the others, under
     * easy and labq. Accounts are the groups, or the users where the trace has one group (no group recorded):
     * the level fair share can tell apart.
     */
    static List<String> whyLines(SwfTrace trace, List<SimulationRun> runs) {
        Set<String> groups = new HashSet<>();
        trace.jobs().forEach(j -> groups.add(j.project()));
        boolean byGroup = groups.size() > 1;
        Function<TraceJob, String> account = byGroup ? TraceJob::project : TraceJob::user;
        String level = byGroup ? "groups" : "users (the trace has one group)";
        Map<String, Double> work = new HashMap<>();
        for (TraceJob job : trace.jobs()) {
            work.merge(account.apply(job), (double) job.runSeconds() * job.request().cpus(), Double::sum);
        }
        if (work.size() < 2) {
            return List.of("  why: one account (the trace records one group and one user): fair share has nothing to reorder, "
                    + "labq's order is age, which is arrival, as easy's");
        }
        Set<String> heavy = heaviest(work);
        long heavyJobs = trace.jobs().stream().filter(j -> heavy.contains(account.apply(j))).count();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "  why: by %s: the %d that did half the work submitted %d of the %d jobs, the other %d the rest",
                level, heavy.size(), heavyJobs, trace.jobs().size(), work.size() - heavy.size()));
        for (SimulationRun run : runs) {
            if (run.policy() == SchedulingPolicy.FCFS) {
                continue;
            }
            double[] in = new double[3]; // jobs, wait, bounded slowdown
            double[] rest = new double[3];
            for (SimulationRun.Outcome o : run.outcomes()) {
                double[] sums = heavy.contains(account.apply(o.job())) ? in : rest;
                sums[0]++;
                sums[1] += o.waitSeconds();
                sums[2] += Metrics.boundedSlowdown(o.waitSeconds(), o.endSeconds() - o.startSeconds());
            }
            lines.add(String.format(Locale.ROOT, "    %-4s  their jobs: avg wait %.0f s, avg bounded slowdown %.1f;  "
                            + "the others' jobs: avg wait %.0f s, avg bounded slowdown %.1f", run.policy().key(),
                    in[1] / Math.max(1, in[0]), in[2] / Math.max(1, in[0]), rest[1] / Math.max(1, rest[0]), rest[2] / Math.max(1, rest[0])));
        }
        return lines;
    }

    /** The fewest accounts that did at least half of {@code work}, the biggest first. */
    static Set<String> heaviest(Map<String, Double> work) {
        double total = work.values().stream().mapToDouble(Double::doubleValue).sum();
        List<Map.Entry<String, Double>> byWork = new ArrayList<>(work.entrySet());
        byWork.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Set<String> heavy = new HashSet<>();
        double sum = 0;
        for (Map.Entry<String, Double> e : byWork) {
            if (sum >= total / 2 && !heavy.isEmpty()) {
                break;
            }
            heavy.add(e.getKey());
            sum += e.getValue();
        }
        return heavy;
    }

    /** The workload with labq's priority as {@link #LABQ_PRIORITY} sets it. */
    static Workload workload(SwfTrace trace) {
        return workload(trace, LABQ_PRIORITY);
    }

    /**
     * One project per SWF group, each with the users seen in it (share 1 each) configured, importance
     * {@link #PROJECT_IMPORTANCE} and share 1; the multifactor policy with {@code priority}, EASY backfill.
     */
    static Workload workload(SwfTrace trace, PrioritySettings priority) {
        Map<String, Map<String, LabqConfig.User>> usersByGroup = new LinkedHashMap<>();
        for (TraceJob job : trace.jobs()) {
            usersByGroup.computeIfAbsent(job.project(), g -> new LinkedHashMap<>()).putIfAbsent(job.user(), LabqConfig.User.DEFAULT);
        }
        Map<String, LabqConfig.Project> projects = new LinkedHashMap<>();
        usersByGroup.forEach((group, users) -> projects.put(group, new LabqConfig.Project(PROJECT_IMPORTANCE, 1.0, null, users)));
        String defaultProject = projects.isEmpty() ? "default" : projects.keySet().iterator().next();
        projects.putIfAbsent(defaultProject, new LabqConfig.Project(PROJECT_IMPORTANCE));
        LabqConfig config = new LabqConfig(new LabqConfig.Machine(String.valueOf(trace.cpus()), "1T", List.of()), projects,
                new LabqConfig.Settings(null, null, defaultProject, null, LabqConfig.Settings.BACKFILL_EASY,
                        LabqConfig.Settings.POLICY_MULTIFACTOR), priority);
        MachineInventory machine = new MachineInventory(trace.cpus(), 1L << 20, List.of());
        return Workload.onMachine(trace.name().replaceAll("\\.swf(\\.gz)?$", ""), machine, Workload.Unit.CPUS, config, trace.jobs());
    }
}
