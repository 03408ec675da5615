package dev.labq.bench;

import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Whether labq's default policy (multifactor, fair share with the configured usage half-life) gives projects
 * the machine in proportion to their shares, lets a low-importance project through, and keeps budgets, on a
 * virtual clock over weeks.
 *
 * <pre>
 *   8 GPUs, 64 CPUs; 1-GPU jobs of 30 min to 8 h (time limits 1.1-2x the run time)
 *   alpha 3 : beta 2 : gamma 1   importance 10, a backlog of 8 jobs each, always (one submitted per start)
 *   low        share 1           importance 1, a trickle (one job every 4 h on average, 30 min to 2 h)
 *   capped     share 1           importance 10, backlog; budget maxGpus 2, 24 GPU-hours a day
 *   strict     share 1           importance 10, backlog; the same budget with strict: true
 *
 *   arrivals ─ Submitted ─┐
 *   decide(now) ─ Dispatched ├─▶ DecisionCore.apply (increasing indexes, timestamps = virtual time)
 *   run time over ─ Finished ─┘
 * </pre>
 *
 * <p>Share error: GPU-hours each of alpha, beta, gamma got in the second half of the run (fair share has
 * forgotten the empty start by then), against their total split 3:2:1; the largest |got/expected - 1|. The
 * whole run is printed too. Budget checks, at every step: a budget project never holds more GPUs than its cap;
 * a job of {@code capped} starts only while the day's usage is below the allowance, and the day's usage never
 * passes the allowance by more than what the jobs running when it was reached may still use up to their time
 * limits (BudgetPolicy's bound); {@code strict}'s day usage never passes the allowance at all. Usage is counted
 * here from the harness's own record of starts and ends, not read from the ledger.
 *
 * <p>Arguments: {@code --days 30 --seed 42}; {@code --quick}: 10 days.
 */
public final class PolicySharesBench implements Harness {
    private static final String USAGE = "usage: bench/run policy-shares [--days 30] [--seed 42]";
    static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a midnight: days start here
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    static final int GPUS = 8;
    static final List<String> SHARED = List.of("alpha", "beta", "gamma");
    static final Map<String, Integer> SHARES = Map.of("alpha", 3, "beta", 2, "gamma", 1);
    static final String LOW = "low";
    static final String CAPPED = "capped";
    static final String STRICT = "strict";
    static final List<String> PROJECTS = List.of("alpha", "beta", "gamma", "low", "capped", "strict");
    static final int MAX_GPUS = 2;
    static final double GPU_HOURS_PER_DAY = 24;
    private static final int BACKLOG = 8;
    private static final long LOW_MEAN_GAP = 4 * HOUR;

    static final LabqConfig CONFIG = config();

    private static LabqConfig config() {
        List<LabqConfig.Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            gpus.add(new LabqConfig.Gpu(i, "a100", "80G"));
        }
        Map<String, LabqConfig.Project> projects = new LinkedHashMap<>();
        for (String p : SHARED) {
            projects.put(p, project(10, SHARES.get(p), null));
        }
        projects.put(LOW, project(1, 1, null));
        projects.put(CAPPED, project(10, 1, new Budget(null, null, MAX_GPUS, null, GPU_HOURS_PER_DAY, "day", null, false)));
        projects.put(STRICT, project(10, 1, new Budget(null, null, MAX_GPUS, null, GPU_HOURS_PER_DAY, "day", null, true)));
        // The shipped scheduler settings and priority weights (config/labq.yaml), with these projects.
        LabqConfig shipped = LabqConfig.defaults();
        LabqConfig.Settings s = shipped.scheduler();
        return new LabqConfig(new LabqConfig.Machine("64", "512G", gpus), projects, new LabqConfig.Settings(
                s.killGraceSeconds(), s.inProcessThreads(), "alpha", s.maxAttempts(), s.backfill(), s.policy()),
                shipped.priority());
    }

    /** One user per project, configured, so the user factor is the same for every project. */
    private static LabqConfig.Project project(int importance, double share, Budget budget) {
        return new LabqConfig.Project(importance, share, budget, Map.of("u", new LabqConfig.User(1.0, null)));
    }

    static MachineInventory machine() {
        List<GpuDevice> gpus = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            gpus.add(new GpuDevice(i, "a100", 80 * 1024));
        }
        return new MachineInventory(64, 512 * 1024, gpus);
    }

    @Override
    public String summary() {
        return "fair share over weeks on a virtual clock: GPU-hours vs shares 3:2:1, a low-importance trickle's waits, "
                + "budget caps and allowances kept";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--days", "--seed"));
        int days = given.wholeNumber("--days", quick ? 10 : 30, 2);
        long seed = given.longNumber("--seed", 42);
        long wallStart = System.nanoTime();
        Outcome o = simulate(days, seed);
        double wall = (System.nanoTime() - wallStart) / 1e9;

        out.printf(Locale.ROOT, "policy-shares: %d days on a virtual clock, %d GPUs, policy %s, usage half-life %.0f h, "
                        + "recompute every %d s%n", days, GPUS, CONFIG.scheduler().policy(),
                CONFIG.priority().usageHalfLifeHours(), CONFIG.priority().recomputeSeconds());
        out.printf(Locale.ROOT, "  %,d jobs started, %,d decisions, %.2f s of wall time%n", o.started, o.decisions, wall);
        out.println();
        out.printf(Locale.ROOT, "%-8s %5s %10s %12s %12s %10s %12s %12s %10s%n", "project", "share", "importance",
                "GPU-h all", "expected", "error", "GPU-h 2nd", "expected", "error");
        double wholeTotal = 0;
        double halfTotal = 0;
        for (String p : SHARED) {
            wholeTotal += o.gpuHours.get(p);
            halfTotal += o.gpuHoursSecondHalf.get(p);
        }
        for (String p : PROJECTS) {
            boolean shared = SHARED.contains(p);
            double whole = o.gpuHours.get(p);
            double half = o.gpuHoursSecondHalf.get(p);
            if (shared) {
                double expectedWhole = wholeTotal * SHARES.get(p) / 6.0;
                double expectedHalf = halfTotal * SHARES.get(p) / 6.0;
                out.printf(Locale.ROOT, "%-8s %5.0f %10d %12.1f %12.1f %9.2f%% %12.1f %12.1f %9.2f%%%n", p,
                        CONFIG.projects().get(p).share(), CONFIG.importanceOf(p), whole, expectedWhole,
                        100 * (whole / expectedWhole - 1), half, expectedHalf, 100 * (half / expectedHalf - 1));
            } else {
                out.printf(Locale.ROOT, "%-8s %5.0f %10d %12.1f %12s %10s %12.1f %12s %10s%n", p,
                        CONFIG.projects().get(p).share(), CONFIG.importanceOf(p), whole, "-", "-", half, "-", "-");
            }
        }
        out.printf(Locale.ROOT, "  expected = the GPU-hours of %s together split 3:2:1; error = got / expected - 1%n",
                String.join(", ", SHARED));
        out.printf(Locale.ROOT, "  share error, largest: %.2f%% over the second half, %.2f%% over the whole run%n",
                o.shareErrorSecondHalfPct, o.shareErrorWholePct);
        out.printf(Locale.ROOT, "  low (importance 1, share 1): %d jobs, wait p50 %.2f h, max %.2f h%s%n", o.lowJobs,
                o.lowWaitP50Hours, o.lowMaxWaitHours, o.lowUnstarted > 0 ? " (" + o.lowUnstarted + " never started)" : "");
        out.printf(Locale.ROOT, "  budgets (maxGpus %d, %.0f GPU-hours a day): capped held at most %d GPUs, strict %d; "
                        + "largest day's usage capped %.2f GPU-h (bound %.2f), strict %.2f GPU-h; %d violations%n",
                MAX_GPUS, GPU_HOURS_PER_DAY, o.cappedMaxHeld, o.strictMaxHeld, o.cappedMaxDayHours,
                o.cappedMaxDayBoundHours, o.strictMaxDayHours, o.budgetViolations);
        for (String v : o.violationSamples) {
            out.println("  violation: " + v);
        }
        out.println();
        ResultLines results = new ResultLines(out);
        results.metric("policy.share_error.max_pct", o.shareErrorSecondHalfPct, "%");
        results.metric("policy.share_error.whole_run.max_pct", o.shareErrorWholePct, "%");
        results.metric("policy.low_importance.max_wait_hours", o.lowMaxWaitHours, "h");
        results.metric("policy.budget_violations", o.budgetViolations, "count");
        return o.budgetViolations == 0 ? BenchMain.OK : BenchMain.FAILED;
    }

    /** What one simulation gave. */
    record Outcome(long started, long decisions, Map<String, Double> gpuHours, Map<String, Double> gpuHoursSecondHalf,
                   double shareErrorWholePct, double shareErrorSecondHalfPct, int lowJobs, int lowUnstarted,
                   double lowWaitP50Hours, double lowMaxWaitHours, int cappedMaxHeld, int strictMaxHeld,
                   double cappedMaxDayHours, double cappedMaxDayBoundHours, double strictMaxDayHours,
                   int budgetViolations, List<String> violationSamples) {
    }

    /** Runs {@code days} of the workload; deterministic for a seed. */
    static Outcome simulate(int days, long seed) {
        return simulate(days, seed, CONFIG);
    }

    /**
     * The same with the decision core configured by {@code coreConfig} (the checks keep {@link #CONFIG}'s
     * budgets): a test gives it one without budgets to see that the checks catch what a core that ignores
     * them does.
     */
    static Outcome simulate(int days, long seed, LabqConfig coreConfig) {
        return new Simulation(seed, coreConfig).run(START_MILLIS + days * DAY);
    }

    /** A job's run as this harness records it, independently of labq's ledger. */
    private static final class Run {
        final String project;
        final long start;
        final long limitEnd;
        long end = Long.MAX_VALUE;

        Run(String project, long start, long limitEnd) {
            this.project = project;
            this.start = start;
            this.limitEnd = limitEnd;
        }

        /** GPU-milliseconds inside [from, to), counting a running job up to {@code now}. */
        long within(long from, long to, long now) {
            long e = Math.min(end, now);
            return Math.max(0, Math.min(e, to) - Math.max(start, from));
        }
    }

    private static final class Simulation {
        private final DecisionCore core;
        private final SplittableRandom random;
        private final PriorityQueue<long[]> ends = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        private final Map<Long, Long> runMillis = new HashMap<>();
        private final Map<Long, String> projectOf = new HashMap<>();
        private final Map<Long, Long> submitted = new HashMap<>();
        private final Map<Long, Run> runs = new HashMap<>();
        private final List<Run> allRuns = new ArrayList<>();
        private final List<Long> lowWaits = new ArrayList<>();
        private final BudgetCheck capped = new BudgetCheck(CAPPED, false);
        private final BudgetCheck strict = new BudgetCheck(STRICT, true);
        private long index;
        private long nextId = 1;
        private long now = START_MILLIS;
        private long started;
        private long decisions;

        Simulation(long seed, LabqConfig coreConfig) {
            this.random = new SplittableRandom(seed);
            this.core = DecisionCore.of(coreConfig, new ResourcePool(machine()));
        }

        Outcome run(long endMillis) {
            for (String p : List.of("alpha", "beta", "gamma", CAPPED, STRICT)) {
                for (int i = 0; i < BACKLOG; i++) {
                    submit(p, 30 * 60_000L + random.nextLong(450 * 60_000L));
                }
            }
            long nextLow = START_MILLIS + exponential(LOW_MEAN_GAP);
            decide();
            while (true) {
                long nextEnd = ends.isEmpty() ? Long.MAX_VALUE : ends.peek()[0];
                long next = Math.min(nextEnd, nextLow);
                if (next >= endMillis) {
                    break;
                }
                capped.advance(next);
                strict.advance(next);
                now = next;
                while (!ends.isEmpty() && ends.peek()[0] == now) {
                    long id = ends.poll()[1];
                    apply(new Finished(JobId.of(id), 1, JobState.COMPLETED, 0, "Completed"));
                    runs.remove(id).end = now;
                }
                if (nextLow == now) {
                    submit(LOW, 30 * 60_000L + random.nextLong(90 * 60_000L));
                    nextLow = now + exponential(LOW_MEAN_GAP);
                }
                decide();
            }
            capped.advance(endMillis);
            strict.advance(endMillis);
            return outcome(endMillis);
        }

        private long exponential(long mean) {
            return Math.max(60_000L, (long) (-Math.log(1 - random.nextDouble()) * mean));
        }

        private void submit(String project, long run) {
            long limitMinutes = (long) Math.ceil(run * (1.1 + 0.9 * random.nextDouble()) / 60_000.0);
            JobSpec spec = JobSpec.process(project, "u", "train.py")
                    .resources(new Resources(4, 32 * 1024, 1, null))
                    .timeLimitSeconds(limitMinutes * 60)
                    .build();
            long id = nextId++;
            runMillis.put(id, run);
            projectOf.put(id, project);
            submitted.put(id, now);
            apply(new Submitted(JobId.of(id), spec));
        }

        private void decide() {
            decisions++;
            for (Dispatched d : core.decide(now)) {
                long id = d.job().value();
                String project = projectOf.get(id);
                JobSpec spec = core.table().get(d.job()).spec();
                capped.starting(project, d, now);
                strict.starting(project, d, now);
                apply(d);
                started++;
                Run run = new Run(project, now, now + spec.timeLimitSeconds() * 1000);
                runs.put(id, run);
                allRuns.add(run);
                ends.add(new long[] {now + runMillis.get(id), id});
                if (project.equals(LOW)) {
                    lowWaits.add(now - submitted.get(id));
                } else {
                    submit(project, 30 * 60_000L + random.nextLong(450 * 60_000L)); // the backlog never runs out
                }
                capped.held(runs.values());
                strict.held(runs.values());
            }
        }

        private void apply(JournalEvent event) {
            core.apply(++index, now, event);
        }

        private Outcome outcome(long endMillis) {
            long half = START_MILLIS + (endMillis - START_MILLIS) / 2;
            Map<String, Double> whole = new LinkedHashMap<>();
            Map<String, Double> second = new LinkedHashMap<>();
            for (String p : PROJECTS) {
                whole.put(p, 0.0);
                second.put(p, 0.0);
            }
            for (Run r : allRuns) {
                whole.merge(r.project, r.within(START_MILLIS, endMillis, endMillis) / (double) HOUR, Double::sum);
                second.merge(r.project, r.within(half, endMillis, endMillis) / (double) HOUR, Double::sum);
            }
            int lowUnstarted = 0;
            for (Map.Entry<Long, String> e : projectOf.entrySet()) {
                if (e.getValue().equals(LOW) && core.table().get(JobId.of(e.getKey())).state() == JobState.PENDING) {
                    lowUnstarted++;
                    lowWaits.add(endMillis - submitted.get(e.getKey())); // still waiting: at least this long
                }
            }
            List<Long> waits = new ArrayList<>(lowWaits);
            waits.sort(null);
            double p50 = waits.isEmpty() ? 0 : waits.get(waits.size() / 2) / (double) HOUR;
            double max = waits.isEmpty() ? 0 : waits.get(waits.size() - 1) / (double) HOUR;
            List<String> samples = new ArrayList<>(capped.samples);
            samples.addAll(strict.samples);
            return new Outcome(started, decisions, whole, second, shareError(whole), shareError(second), waits.size(),
                    lowUnstarted, p50, max, capped.maxHeld, strict.maxHeld, capped.maxDayMillis / (double) HOUR,
                    capped.maxDayBoundMillis / (double) HOUR, strict.maxDayMillis / (double) HOUR,
                    capped.violations + strict.violations, samples.subList(0, Math.min(5, samples.size())));
        }

        /** The largest |got / expected - 1| over the shared projects, in percent. */
        private static double shareError(Map<String, Double> gpuHours) {
            double total = 0;
            for (String p : SHARED) {
                total += gpuHours.get(p);
            }
            double worst = 0;
            for (String p : SHARED) {
                double expected = total * SHARES.get(p) / 6.0;
                worst = Math.max(worst, expected == 0 ? 100 : Math.abs(gpuHours.get(p) / expected - 1) * 100);
            }
            return worst;
        }

        /**
         * The budget of one project checked from the harness's own record of its runs: caps at every start,
         * the start rule and the allowance's bound at every step (usage between steps is linear in time, as
         * the running set changes only at steps).
         */
        private final class BudgetCheck {
            final String project;
            final boolean strictAllowance;
            final long allowanceMillis = (long) (GPU_HOURS_PER_DAY * HOUR);
            final List<String> samples = new ArrayList<>();
            int violations;
            int maxHeld;
            long maxDayMillis;
            long maxDayBoundMillis;
            long lastStep = START_MILLIS;
            long crossedDay = Long.MIN_VALUE;
            long boundMillis;

            BudgetCheck(String project, boolean strictAllowance) {
                this.project = project;
                this.strictAllowance = strictAllowance;
            }

            private List<Run> mine() {
                List<Run> mine = new ArrayList<>();
                for (Run r : allRuns) {
                    if (r.project.equals(project)) {
                        mine.add(r);
                    }
                }
                return mine;
            }

            private long usage(long day, long at) {
                long used = 0;
                for (Run r : mine()) {
                    used += r.within(day, day + DAY, at);
                }
                return used;
            }

            /** Time moves to {@code t}: the running set was constant since the last step. */
            void advance(long t) {
                long from = lastStep;
                while (from < t) {
                    long day = START_MILLIS + Math.floorDiv(from - START_MILLIS, DAY) * DAY;
                    long to = Math.min(t, day + DAY);
                    check(day, from, to);
                    from = to;
                }
                lastStep = t;
            }

            /** Checks the day starting at {@code day} over [from, to], during which the running set did not change. */
            private void check(long day, long from, long to) {
                long before = usage(day, from);
                long after = usage(day, to);
                if (crossedDay != day && after >= allowanceMillis && !strictAllowance) {
                    long slope = 0;
                    for (Run r : runs.values()) {
                        if (r.project.equals(project)) {
                            slope++;
                        }
                    }
                    double crossing = slope == 0 ? from : from + (allowanceMillis - before) / (double) slope;
                    long bound = 0;
                    for (Run r : runs.values()) {
                        if (r.project.equals(project)) {
                            bound += (long) Math.ceil(Math.min(r.limitEnd, day + DAY) - crossing);
                        }
                    }
                    crossedDay = day;
                    boundMillis = Math.max(0, bound);
                }
                long limit = strictAllowance ? allowanceMillis : allowanceMillis + (crossedDay == day ? boundMillis : 0);
                maxDayMillis = Math.max(maxDayMillis, after);
                if (crossedDay == day) {
                    maxDayBoundMillis = Math.max(maxDayBoundMillis, allowanceMillis + boundMillis);
                }
                if (after > limit + 1) {
                    violation(String.format(Locale.ROOT, "%s used %.3f GPU-h on the day of %d at %d, more than %.3f",
                            project, after / (double) HOUR, day, to, limit / (double) HOUR));
                }
            }

            /** A job of this project is about to start at {@code t}. */
            void starting(String jobProject, Dispatched d, long t) {
                if (!jobProject.equals(project)) {
                    return;
                }
                long day = START_MILLIS + Math.floorDiv(t - START_MILLIS, DAY) * DAY;
                if (!strictAllowance && usage(day, t) >= allowanceMillis) {
                    violation(project + " started job " + d.job() + " at " + t + " with the day's allowance used up");
                }
            }

            /** After a start: what the project holds. */
            void held(Iterable<Run> running) {
                int gpus = 0;
                for (Run r : running) {
                    if (r.project.equals(project)) {
                        gpus++;
                    }
                }
                maxHeld = Math.max(maxHeld, gpus);
                if (gpus > MAX_GPUS) {
                    violation(project + " holds " + gpus + " GPUs at " + now + ", cap " + MAX_GPUS);
                }
            }

            private void violation(String what) {
                violations++;
                if (samples.size() < 5) {
                    samples.add(what);
                }
            }
        }
    }
}
