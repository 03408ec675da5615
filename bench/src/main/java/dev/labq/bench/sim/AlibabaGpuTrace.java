package dev.labq.bench.sim;

import dev.labq.bench.UsageException;
import dev.labq.bench.sim.ClusterPlacement.Node;
import dev.labq.core.domain.Resources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alibaba's GPU cluster trace (cluster-trace-gpu-v2023): a node list and a pod list in CSV.
 *
 * <p>How it maps onto labq: a pod is a job on one node; CPUs are {@code cpu_milli / 1000} rounded up;
 * labq hands out whole GPUs, so a pod asking for part of one ({@code gpu_milli < 1000}) gets a whole one;
 * a {@code gpu_spec} of one model becomes the job's GPU type (several models, or none: any type). The QoS
 * class becomes the project. A pod runs from its scheduled time to its deletion; pods the production
 * scheduler never placed have no run time and are skipped. The trace has no user estimates, so each
 * job's time limit is its run time (perfect estimates, as simulation studies assume when none are given).
 * The production wait is scheduled - creation time; a pod scheduled before it was created (a clock error in
 * the CSV) has an unknown wait, -1, as SWF writes it.
 */
public record AlibabaGpuTrace(List<Node> nodes, List<TraceJob> jobs, List<Integer> gpuMilli, int neverScheduled) {

    /** Importance of each QoS class: guaranteed first, best effort last. */
    public static final Map<String, Integer> QOS_IMPORTANCE = Map.of("Guaranteed", 100, "LS", 50, "Burstable", 20, "BE", 5);

    /** Replayed pods whose production wait is known: the production row covers only these. */
    public int recordedWaits() {
        return (int) jobs.stream().filter(j -> j.recordedWaitSeconds() >= 0).count();
    }

    public static AlibabaGpuTrace read(Path nodesFile, Path podsFile, int limit) {
        List<Node> nodes = new ArrayList<>();
        for (Map<String, String> row : rows(nodesFile, "--nodes", List.of("sn", "cpu_milli", "memory_mib", "gpu", "model"))) {
            int gpus = Integer.parseInt(row.get("gpu"));
            int firstGpu = nodes.isEmpty() ? 0 : nodes.get(nodes.size() - 1).firstGpu() + nodes.get(nodes.size() - 1).gpuCount();
            nodes.add(new Node(row.get("sn"), Integer.parseInt(row.get("cpu_milli")) / 1000, Long.parseLong(row.get("memory_mib")),
                    firstGpu, gpus, row.get("model")));
        }
        List<TraceJob> jobs = new ArrayList<>();
        List<Integer> gpuMilli = new ArrayList<>();
        int neverScheduled = 0;
        for (Map<String, String> row : rows(podsFile, "--pods", List.of("name", "cpu_milli", "memory_mib", "num_gpu",
                "gpu_milli", "gpu_spec", "qos", "creation_time", "deletion_time", "scheduled_time"))) {
            if (jobs.size() >= limit) {
                break;
            }
            if (row.get("scheduled_time").isEmpty() || row.get("deletion_time").isEmpty()) {
                neverScheduled++;
                continue;
            }
            long created = Long.parseLong(row.get("creation_time"));
            long scheduled = Long.parseLong(row.get("scheduled_time"));
            long run = Long.parseLong(row.get("deletion_time")) - scheduled;
            int gpus = Integer.parseInt(row.get("num_gpu"));
            String spec = row.get("gpu_spec");
            Resources request = new Resources(Math.max(1, (Integer.parseInt(row.get("cpu_milli")) + 999) / 1000),
                    Long.parseLong(row.get("memory_mib")), gpus, gpus > 0 && !spec.isEmpty() && !spec.contains("|") ? spec : null);
            String qos = row.get("qos");
            jobs.add(new TraceJob(jobs.size() + 1, created, run, request, Math.max(1, run), "pods", qos,
                    null, null, List.of(), scheduled >= created ? scheduled - created : -1));
            gpuMilli.add(gpus == 0 ? 0 : gpus == 1 ? Integer.parseInt(row.get("gpu_milli")) : 1000 * gpus);
        }
        return new AlibabaGpuTrace(nodes, jobs, gpuMilli, neverScheduled);
    }

    /** The rows of a CSV with a header line, as column → value; checks the columns it needs are there. */
    static List<Map<String, String>> rows(Path file, String option, List<String> needed) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + " " + file + ": no such file", "give a CSV in the Alibaba cluster-trace-gpu-v2023 layout");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String headerLine = in.readLine();
            String[] header = headerLine == null ? new String[0] : headerLine.split(",", -1);
            for (String column : needed) {
                if (!List.of(header).contains(column)) {
                    throw new UsageException(option + " " + file + ": no column " + column,
                            "the header must name " + String.join(",", needed));
                }
            }
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] values = line.split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int c = 0; c < header.length && c < values.length; c++) {
                    row.put(header[c], values[c].trim());
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return rows;
    }
}
