package dev.labq.bench;

import dev.labq.bench.sim.Metrics;
import dev.labq.bench.sim.PipelineWorkload;
import dev.labq.bench.sim.SchedulingPolicy;
import dev.labq.bench.sim.SimulationReport;
import dev.labq.bench.sim.Workload;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Replays synthetic ML pipelines (preprocessing, then training on GPUs, then evaluation, with deadlines and
 * project importance) on one 8-GPU server under FCFS, EASY and labq: deadline misses and GPU use while GPU
 * jobs wait are what labq's policy should win on.
 */
public final class TracePipelinesBench implements Harness {
    private static final String USAGE = "usage: trace-pipelines [--pipelines N] [--days D] [--seed S] [--out DIR]";

    @Override
    public String summary() {
        return "synthetic ML pipelines (DAGs, GPUs, deadlines, importance) on an 8-GPU server under fcfs, easy and labq";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs options = HarnessArgs.parse(args, USAGE, List.of("--pipelines", "--days", "--seed", "--out"));
        int pipelines = options.wholeNumber("--pipelines", quick ? 150 : 1_500, 1);
        int days = options.wholeNumber("--days", quick ? 10 : 100, 1);
        long seed = options.longNumber("--seed", 1);
        Path outDir = options.path("--out", HarnessArgs.root().resolve("bench/target/sim"));

        Workload workload = PipelineWorkload.generate(pipelines, days, seed);
        out.printf(Locale.ROOT, "trace-pipelines: %d pipelines (%d jobs) over %d days, seed %d, on %d CPUs and %d GPUs%n",
                pipelines, workload.jobs().size(), days, seed, PipelineWorkload.MACHINE.cpus(), PipelineWorkload.MACHINE.gpus().size());
        out.println("  projects: " + PipelineWorkload.describeProjects());
        SimulationReport report = new SimulationReport("pipelines", workload);
        report.simulateAll(List.of(SchedulingPolicy.values()), outDir, out);
        out.println();
        report.printTable(out);
        out.println("  by project under labq (share of the GPU work, mean wait):");
        for (Metrics.ProjectUse use : report.metrics("labq").projects()) {
            out.printf(Locale.ROOT, "    %-10s %5d jobs %6.1f%% %9.0f s%n", use.project(), use.jobs(), 100 * use.workShare(), use.avgWaitSeconds());
        }
        out.println("  files: " + report.writeJson(outDir) + " and <policy>.jobs.jsonl timelines beside it");
        report.printResults(out, "easy", true);
        return BenchMain.OK;
    }
}
