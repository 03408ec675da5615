package dev.labq.bench;

import dev.labq.bench.sim.Metrics;
import dev.labq.bench.sim.SchedulingPolicy;
import dev.labq.bench.sim.SimulationReport;
import dev.labq.bench.sim.SwfTrace;
import dev.labq.bench.sim.TraceJob;
import dev.labq.bench.sim.Workload;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays an SWF trace (default: KTH's IBM SP2, 1996-97, in bench/workloads) through the simulator under
 * FCFS, EASY and labq, next to the waits the trace's own production scheduler (EASY) recorded.
 *
 * <p>The machine is one host with the trace's MaxProcs CPUs; users and groups become labq users and
 * projects, all of equal importance (KTH published no priorities), so labq's order there is age.
 */
public final class TraceSwfBench implements Harness {
    static final String DEFAULT_TRACE = "bench/workloads/KTH-SP2-1996-2.1-cln.swf.gz";
    private static final String USAGE = "usage: trace-swf [--trace FILE.swf[.gz]] [--jobs N] [--out DIR]";
    private static final int QUICK_JOBS = 3_000;
    static final int PROJECT_IMPORTANCE = 10;

    @Override
    public String summary() {
        return "replay an SWF trace (KTH SP2 by default) under fcfs, easy and labq vs the production scheduler's recorded waits";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs options = HarnessArgs.parse(args, USAGE, List.of("--trace", "--jobs", "--out"));
        Path root = HarnessArgs.root();
        Path file = options.path("--trace", root.resolve(DEFAULT_TRACE));
        int limit = options.wholeNumber("--jobs", quick ? QUICK_JOBS : Integer.MAX_VALUE, 1);
        Path outDir = options.path("--out", root.resolve("bench/target/sim"));

        SwfTrace trace = SwfTrace.read(file, limit);
        Workload workload = workload(trace);
        out.printf(Locale.ROOT, "trace-swf: %s, %d jobs (%d skipped: no run time or processors), %d CPUs, %d projects of importance %d%n",
                trace.name(), trace.jobs().size(), trace.skipped(), trace.maxProcs(), workload.config().projects().size(),
                PROJECT_IMPORTANCE);
        SimulationReport report = new SimulationReport("swf", workload);
        report.simulateAll(List.of(SchedulingPolicy.values()), outDir, out);
        report.add("production", "the trace's own scheduler (EASY at KTH): recorded waits, field 3",
                Metrics.of(Metrics.recorded(trace.jobs()), Workload.Unit.CPUS, trace.maxProcs(), Double.NaN, workload.cpuBudgets()));
        out.println();
        report.printTable(out);
        out.println("  files: " + report.writeJson(outDir) + " and <policy>.jobs.jsonl timelines beside it");
        report.printResults(out, "easy", false);
        return BenchMain.OK;
    }

    static Workload workload(SwfTrace trace) {
        Map<String, LabqConfig.Project> projects = new LinkedHashMap<>();
        for (TraceJob job : trace.jobs()) {
            projects.putIfAbsent(job.project(), new LabqConfig.Project(PROJECT_IMPORTANCE));
        }
        String defaultProject = projects.isEmpty() ? "default" : projects.keySet().iterator().next();
        projects.putIfAbsent(defaultProject, new LabqConfig.Project(PROJECT_IMPORTANCE));
        LabqConfig config = new LabqConfig(new LabqConfig.Machine(String.valueOf(trace.maxProcs()), "1T", List.of()),
                projects, new LabqConfig.Settings(null, null, defaultProject));
        MachineInventory machine = new MachineInventory(trace.maxProcs(), 1L << 20, List.of());
        return Workload.onMachine(trace.name().replaceAll("\\.swf(\\.gz)?$", ""), machine, Workload.Unit.CPUS, config, trace.jobs());
    }
}
