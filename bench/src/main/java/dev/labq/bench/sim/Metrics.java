package dev.labq.bench.sim;

import dev.labq.bench.sim.SimulationRun.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one schedule, as the workload archive and the scheduling literature define them.
 *
 * @param utilization         unit-seconds used (CPUs or GPUs, {@link Workload.Unit}) over unit-seconds available
 *                            from the first arrival to the last end
 * @param utilizationBound    the most any schedule could reach: its makespan is at least the latest
 *                            submit + run and at least the total work over the capacity
 * @param avgBoundedSlowdown  mean of max(1, (wait + run) / max(run, 10 s))
 * @param budgetViolations    starts that took a project past its CPU budget ({@link Workload#cpuBudgets()})
 * @param deadlineMisses      jobs with a deadline that ended after it, of {@code deadlines}
 */
public record Metrics(int jobs, double avgWaitSeconds, double p95WaitSeconds, double avgBoundedSlowdown,
                      double utilization, double utilizationBound, double gpuUtilizationSaturated,
                      int deadlineMisses, int deadlines, int budgetViolations, long makespanSeconds,
                      List<ProjectUse> projects) {

    /** A project's part: its jobs, its share of the work, and their mean wait. */
    public record ProjectUse(String project, int jobs, double workShare, double avgWaitSeconds) {
    }

    static final double SLOWDOWN_FLOOR_SECONDS = 10;

    /** The figures of {@code outcomes} on a placement with {@code capacity} units of {@code unit}. */
    public static Metrics of(List<Outcome> outcomes, Workload.Unit unit, int capacity, double gpuUtilizationSaturated,
                             Map<String, Integer> cpuBudgets) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no job completed: nothing to measure");
        }
        long[] waits = new long[outcomes.size()];
        double slowdowns = 0;
        double work = 0;
        long firstSubmit = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        long latestPossibleEnd = Long.MIN_VALUE;
        int deadlines = 0;
        int misses = 0;
        Map<String, double[]> byProject = new HashMap<>(); // jobs, work, wait
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            TraceJob job = o.job();
            long run = o.endSeconds() - o.startSeconds();
            waits[i] = o.waitSeconds();
            slowdowns += boundedSlowdown(waits[i], run);
            double jobWork = (double) run * unit.of(job);
            work += jobWork;
            firstSubmit = Math.min(firstSubmit, job.submitSeconds());
            lastEnd = Math.max(lastEnd, o.endSeconds());
            latestPossibleEnd = Math.max(latestPossibleEnd, job.submitSeconds() + run);
            if (job.deadlineSeconds() != null) {
                deadlines++;
                if (o.endSeconds() > job.deadlineSeconds()) {
                    misses++;
                }
            }
            double[] p = byProject.computeIfAbsent(job.project(), k -> new double[3]);
            p[0]++;
            p[1] += jobWork;
            p[2] += waits[i];
        }
        Arrays.sort(waits);
        double available = capacity * (double) Math.max(1, lastEnd - firstSubmit);
        double shortestMakespan = Math.max(latestPossibleEnd - firstSubmit, work / capacity);
        List<ProjectUse> projects = new ArrayList<>();
        double totalWork = work;
        byProject.forEach((name, p) -> projects.add(new ProjectUse(name, (int) p[0], totalWork == 0 ? 0 : p[1] / totalWork, p[2] / p[0])));
        projects.sort(Comparator.comparingDouble(ProjectUse::workShare).reversed().thenComparing(ProjectUse::project));
        return new Metrics(outcomes.size(), Arrays.stream(waits).average().orElse(0), percentile(waits, 0.95),
                slowdowns / outcomes.size(), work / available, Math.min(1.0, work / (capacity * Math.max(1.0, shortestMakespan))),
                gpuUtilizationSaturated, misses, deadlines, budgetViolations(outcomes, cpuBudgets), lastEnd - firstSubmit, projects);
    }

    /** One job's bounded slowdown: max(1, (wait + run) / max(run, 10 s)). */
    public static double boundedSlowdown(long waitSeconds, long runSeconds) {
        return Math.max(1.0, (waitSeconds + runSeconds) / Math.max(runSeconds, SLOWDOWN_FLOOR_SECONDS));
    }

    /** Sweeps starts and ends in time order (ends first at the same second) and counts starts past a budget. */
    static int budgetViolations(List<Outcome> outcomes, Map<String, Integer> cpuBudgets) {
        if (cpuBudgets.isEmpty()) {
            return 0;
        }
        List<long[]> changes = new ArrayList<>(); // time, +cpus or -cpus, outcome index
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (cpuBudgets.containsKey(o.job().project())) {
                changes.add(new long[] {o.startSeconds(), o.job().request().cpus(), i});
                changes.add(new long[] {o.endSeconds(), -o.job().request().cpus(), i});
            }
        }
        changes.sort(Comparator.<long[]>comparingLong(c -> c[0]).thenComparingLong(c -> c[1]));
        Map<String, Long> held = new HashMap<>();
        int violations = 0;
        for (long[] change : changes) {
            String project = outcomes.get((int) change[2]).job().project();
            long now = held.merge(project, change[1], Long::sum);
            if (change[1] > 0 && now > cpuBudgets.get(project)) {
                violations++;
            }
        }
        return violations;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** The production scheduler's schedule of the same jobs, from the waits the trace recorded. */
    public static List<Outcome> recorded(List<TraceJob> jobs) {
        List<Outcome> outcomes = new ArrayList<>(jobs.size());
        for (TraceJob job : jobs) {
            if (job.recordedWaitSeconds() >= 0) {
                long start = job.submitSeconds() + job.recordedWaitSeconds();
                outcomes.add(new Outcome(job, start, start + job.runSeconds()));
            }
        }
        return outcomes;
    }
}
