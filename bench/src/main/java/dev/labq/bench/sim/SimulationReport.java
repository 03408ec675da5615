package dev.labq.bench.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.labq.bench.ResultLines;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobStatus;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the figures of the policies compared on one workload (a table, then RESULT lines named
 * {@code <prefix>.<policy>.<metric>}) and writes them as JSON, with each policy's timeline as JSON lines of
 * the jobs, the same records {@code labq stat --json} prints.
 */
public final class SimulationReport {
    private static final ObjectMapper JSON = EventCodec.Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINES = EventCodec.Json.mapper();

    private final String prefix;
    private final Workload workload;
    private final Map<String, Metrics> byPolicy = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();

    public SimulationReport(String prefix, Workload workload) {
        this.prefix = prefix;
        this.workload = workload;
    }

    /** Adds a policy's figures; {@code key} is its name in RESULT lines. */
    public Metrics add(String key, String description, Metrics metrics) {
        byPolicy.put(key, metrics);
        descriptions.put(key, description);
        return metrics;
    }

    public Metrics metrics(String key) {
        return byPolicy.get(key);
    }

    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "%-11s %7s %11s %11s %9s %7s %7s %8s %8s %6s%n", "policy", "jobs", "avg wait s",
                "p95 wait s", "avg bsld", "util", "bound", "gpu sat", "dl miss", "budget");
        byPolicy.forEach((key, m) -> out.printf(Locale.ROOT, "%-11s %7d %11.0f %11.0f %9.2f %7.4f %7.4f %8s %8s %6d%n",
                key, m.jobs(), m.avgWaitSeconds(), m.p95WaitSeconds(), m.avgBoundedSlowdown(), m.utilization(),
                m.utilizationBound(), Double.isNaN(m.gpuUtilizationSaturated()) ? "-" : String.format(Locale.ROOT, "%.3f", m.gpuUtilizationSaturated()),
                m.deadlines() == 0 ? "-" : m.deadlineMisses() + "/" + m.deadlines(), m.budgetViolations()));
        descriptions.forEach((key, text) -> out.printf("  %-9s %s%n", key, text));
    }

    /**
     * RESULT lines for every policy; labq's slowdown and wait also against {@code baselineKey}'s, with the
     * ratio (baseline / labq: above 1 means labq's jobs waited less).
     */
    public void printResults(PrintStream out, String baselineKey, boolean gpuMetrics) {
        ResultLines results = new ResultLines(out);
        Metrics baseline = byPolicy.get(baselineKey);
        byPolicy.forEach((key, m) -> {
            String p = prefix + "." + key + ".";
            boolean compared = key.equals("labq") && baseline != null;
            if (compared) {
                results.compared(p + "avg_bounded_slowdown", m.avgBoundedSlowdown(), baseline.avgBoundedSlowdown(), "x");
                results.compared(p + "avg_wait_s", m.avgWaitSeconds(), baseline.avgWaitSeconds(), "s");
            } else {
                results.metric(p + "avg_bounded_slowdown", m.avgBoundedSlowdown(), "x");
                results.metric(p + "avg_wait_s", m.avgWaitSeconds(), "s");
            }
            results.metric(p + "p95_wait_s", m.p95WaitSeconds(), "s");
            results.metric(p + "utilization", m.utilization(), "fraction");
            results.metric(p + "utilization_bound", m.utilizationBound(), "fraction");
            results.metric(p + "budget_violations", m.budgetViolations(), "count");
            if (m.deadlines() > 0) {
                results.metric(p + "deadline_misses", m.deadlineMisses(), "count");
            }
            if (gpuMetrics && !Double.isNaN(m.gpuUtilizationSaturated())) {
                results.metric(p + "gpu_utilization_saturated", m.gpuUtilizationSaturated(), "fraction");
            }
        });
    }

    /** Writes {@code <dir>/<name>.json} with every policy's figures; returns its path. */
    public Path writeJson(Path dir) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("workload", workload.name());
        document.put("jobs", workload.jobs().size());
        document.put("utilizationOf", workload.measuredBy());
        document.put("projects", workload.config().projects());
        document.put("scheduler", workload.config().scheduler());
        document.put("priority", workload.config().priority());
        document.put("cpuBudgets", workload.cpuBudgets());
        document.put("policies", descriptions);
        document.put("metrics", byPolicy);
        Path file = dir.resolve(workload.name() + ".json");
        try {
            Files.createDirectories(dir);
            JSON.writeValue(file.toFile(), document);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        return file;
    }

    /** Writes the jobs of {@code run} as JSON lines, {@code <dir>/<name>.<policy>.jobs.jsonl}; returns its path. */
    public static Path writeTimeline(Path dir, SimulationRun run) {
        Path file = dir.resolve(run.workload().name() + "." + run.policy().key() + ".jobs.jsonl");
        try {
            Files.createDirectories(dir);
            try (BufferedWriter writer = Files.newBufferedWriter(file)) {
                for (JobStatus job : run.completed()) {
                    writer.write(JSON_LINES.writeValueAsString(job));
                    writer.newLine();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        return file;
    }

    /** Runs every policy on {@code workload}, adds its figures, writes its timeline into {@code dir}; returns the runs. */
    public List<SimulationRun> simulateAll(List<SchedulingPolicy> policies, Path dir, PrintStream progress) {
        List<SimulationRun> runs = new ArrayList<>(policies.size());
        for (SchedulingPolicy policy : policies) {
            SimulationRun run = Simulator.run(workload, policy);
            progress.printf(Locale.ROOT, "  %s: %d jobs in %.1f s (%d decisions)%s%n", policy.key(), run.completed().size(),
                    run.wallSeconds(), run.decisions(),
                    run.neverFit() + run.unfinished() > 0 ? ", " + run.neverFit() + " never fit, " + run.unfinished() + " unfinished" : "");
            add(policy.key(), policy.description(), Metrics.of(run.outcomes(), workload.measuredBy(),
                    run.capacity(), run.gpuUtilizationSaturated(), workload.cpuBudgets()));
            writeTimeline(dir, run);
            runs.add(run);
        }
        return runs;
    }
}
