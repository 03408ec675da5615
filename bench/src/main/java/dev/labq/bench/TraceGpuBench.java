package dev.labq.bench;

import dev.labq.bench.sim.AlibabaGpuTrace;
import dev.labq.bench.sim.ClusterFill;
import dev.labq.bench.sim.ClusterPlacement;
import dev.labq.bench.sim.FragmentationExperiment;
import dev.labq.bench.sim.Metrics;
import dev.labq.bench.sim.SchedulingPolicy;
import dev.labq.bench.sim.SimulationReport;
import dev.labq.bench.sim.TraceJob;
import dev.labq.bench.sim.Workload;
import dev.labq.core.config.LabqConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays Alibaba's GPU cluster trace (1,213 nodes, 6,212 GPUs by default, in bench/workloads): the FGD paper's
 * fragmentation experiment (tasks sampled until 130% of the GPUs are asked for, shares as shares: labq, fgd, best
 * fit, first fit, random), then placement alone (jobs arrive and never leave, as in the FGD paper: GPUs allocated at the first refusal,
 * labq's best fit next to first fit), then the whole trace in time under FCFS, EASY and labq on labq's
 * placement, next to the waits the production scheduler recorded (no production row when none is known).
 */
public final class TraceGpuBench implements Harness {
    static final String DEFAULT_NODES = "bench/workloads/alibaba-gpu-v2023_openb_node_list_gpu_node.csv";
    static final String DEFAULT_PODS = "bench/workloads/alibaba-gpu-v2023_openb_pod_list_default.csv";
    private static final String USAGE = "usage: trace-gpu [--nodes FILE.csv] [--pods FILE.csv] [--jobs N] [--out DIR]";
    private static final int QUICK_JOBS = 1_500;

    @Override
    public String summary() {
        return "Alibaba GPU trace: GPUs allocated at 130% load (labq, fgd, best/first fit, random), at the first refusal, then in time";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs options = HarnessArgs.parse(args, USAGE, List.of("--nodes", "--pods", "--jobs", "--out"));
        Path root = HarnessArgs.root();
        AlibabaGpuTrace trace = AlibabaGpuTrace.read(options.path("--nodes", root.resolve(DEFAULT_NODES)),
                options.path("--pods", root.resolve(DEFAULT_PODS)), options.wholeNumber("--jobs", quick ? QUICK_JOBS : Integer.MAX_VALUE, 1));
        Path outDir = options.path("--out", root.resolve("bench/target/sim"));
        if (trace.jobs().isEmpty()) {
            throw new UsageException("--pods: no pod to replay (" + trace.neverScheduled()
                    + " never scheduled in production, so without a run time)", USAGE);
        }
        int gpus = trace.nodes().stream().mapToInt(ClusterPlacement.Node::gpuCount).sum();
        long fractional = trace.gpuMilli().stream().filter(m -> m > 0 && m < 1000).count();
        out.printf(Locale.ROOT, "trace-gpu: %d nodes, %d GPUs; %d jobs (%d never scheduled in production, skipped; "
                        + "%d asked for part of a GPU and get a whole one)%n",
                trace.nodes().size(), gpus, trace.jobs().size(), trace.neverScheduled(), fractional);

        ResultLines results = new ResultLines(out);
        fragmentation(options.path("--nodes", root.resolve(DEFAULT_NODES)), options.path("--pods", root.resolve(DEFAULT_PODS)),
                quick ? 2 : 10, out, results);

        ClusterFill labqFill = ClusterFill.run(trace.nodes(), ClusterPlacement.Rule.BEST_FIT, trace.jobs());
        ClusterFill firstFit = ClusterFill.run(trace.nodes(), ClusterPlacement.Rule.FIRST_FIT, trace.jobs());
        out.println();
        out.println("placement alone: jobs arrive in trace order and never leave");
        out.printf(Locale.ROOT, "%-22s %22s %14s %18s %8s%n", "rule", "GPUs at first refusal", "placed before", "GPUs after all", "refused");
        printFill(out, "labq (best fit)", labqFill);
        printFill(out, "first fit (baseline)", firstFit);

        out.println();
        out.println("in time: each job from its creation, for its recorded run time, on labq's placement");
        Workload workload = workload(trace);
        SimulationReport report = new SimulationReport("gpu", workload);
        report.simulateAll(List.of(SchedulingPolicy.values()), outDir, out);
        int recorded = trace.recordedWaits();
        if (recorded == 0) {
            out.println("  production: n/a, no pod has a known wait (each was scheduled before its creation time): "
                    + "no production row or RESULT lines");
        } else {
            if (recorded < trace.jobs().size()) {
                out.printf(Locale.ROOT, "  production: recorded waits for %d of %d pods (the rest were scheduled before their "
                        + "creation time: unknown); its row covers those only%n", recorded, trace.jobs().size());
            }
            report.add("production", "the trace's own scheduler: recorded waits (scheduled - creation time)",
                    Metrics.of(Metrics.recorded(trace.jobs()), Workload.Unit.GPUS, gpus, Double.NaN, workload.cpuBudgets()));
        }
        out.println();
        report.printTable(out);
        out.println("  utilization counts GPUs; projects are the QoS classes, importance " + new java.util.TreeMap<>(AlibabaGpuTrace.QOS_IMPORTANCE));
        out.println("  files: " + report.writeJson(outDir) + " and <policy>.jobs.jsonl timelines beside it");
        report.printResults(out, "easy", true);
        results.comparedRate("gpu.labq.gpu_alloc_at_first_refusal", labqFill.allocatedAtFirstRefusal(),
                firstFit.allocatedAtFirstRefusal(), "fraction");
        results.metric("gpu.labq.gpu_alloc_after_all", labqFill.allocatedAtEnd(), "fraction");
        results.metric("gpu.firstfit.gpu_alloc_after_all", firstFit.allocatedAtEnd(), "fraction");
        return BenchMain.OK;
    }

    /** The FGD paper's experiment: tasks sampled until 130% of the GPUs are asked for, placed one by one, none leaving. */
    private static void fragmentation(Path nodes, Path pods, int seeds, PrintStream out, ResultLines results) {
        FragmentationExperiment experiment = FragmentationExperiment.read(nodes, pods);
        out.printf(Locale.ROOT, "%nfragmentation (the FGD paper's measure): tasks drawn from the pod list until they ask for 130%% of"
                + " the %d GPUs, shares as shares; GPUs allocated at the end, mean of %d seeds%n", experiment.gpus(), seeds);
        out.printf(Locale.ROOT, "%-10s %12s %10s %10s %10s%n", "rule", "allocated", "min", "max", "refused");
        Map<String, Double> anchors = Map.of("fgd", 95.39, "bestfit", 93.08, "random", 87.47);
        for (FragmentationExperiment.Rule rule : FragmentationExperiment.Rule.values()) {
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            long refused = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                FragmentationExperiment.Outcome o = experiment.run(rule, seed, 1.3);
                sum += o.allocated();
                min = Math.min(min, o.allocated());
                max = Math.max(max, o.allocated());
                refused += o.refused();
            }
            double mean = 100 * sum / seeds;
            out.printf(Locale.ROOT, "%-10s %11.2f%% %9.2f%% %9.2f%% %10d%s%n", rule.label, mean, 100 * min, 100 * max,
                    refused / seeds, anchors.containsKey(rule.label) ? "   (paper's artifact: " + anchors.get(rule.label) + "%)" : "");
            results.metric("gpu.alloc130." + rule.label + ".allocated_pct", mean, "%");
        }
    }

    private static void printFill(PrintStream out, String rule, ClusterFill fill) {
        out.printf(Locale.ROOT, "%-22s %21.1f%% %14d %17.1f%% %8d%n", rule, 100 * fill.allocatedAtFirstRefusal(),
                fill.placedBeforeRefusal(), 100 * fill.allocatedAtEnd(), fill.refused());
    }

    static Workload workload(AlibabaGpuTrace trace) {
        Map<String, LabqConfig.Project> projects = new LinkedHashMap<>();
        AlibabaGpuTrace.QOS_IMPORTANCE.forEach((qos, importance) -> projects.put(qos, new LabqConfig.Project(importance)));
        for (TraceJob job : trace.jobs()) {
            projects.putIfAbsent(job.project(), new LabqConfig.Project(0));
        }
        LabqConfig config = new LabqConfig(null, projects, new LabqConfig.Settings(null, null, "BE"));
        List<ClusterPlacement.Node> nodes = trace.nodes();
        return new Workload("alibaba-gpu", () -> new ClusterPlacement(nodes, ClusterPlacement.Rule.BEST_FIT),
                Workload.Unit.GPUS, config, trace.jobs(), Map.of());
    }
}
