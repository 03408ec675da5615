package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.state.GpuStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** The GPU devices, as {@code sinfo}/{@code scontrol show node} tell a Slurm user: type, memory, state, jobs. */
@Command(name = "gpus", aliases = {"nodes"}, description = {
        "Show each GPU device: type, memory, state (idle, partly-used, full, drained, failed), the jobs on it, its NVLink",
        "peers, where labq learned of it (nvidia-smi, labq.yaml, placeholder) and the driver's name for it."})
final class GpusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "print a JSON array, one object per device")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<GpuStatus> gpus;
        try (LabqClient client = common.client()) {
            gpus = client.gpus();
        }
        if (json) {
            common.invocation().out().println(PolicyOutput.JSON.writeValueAsString(gpus));
            return ExitCodes.OK;
        }
        if (gpus.isEmpty()) {
            common.invocation().out().println("no GPU: none discovered (machine.discover) and none listed in labq.yaml");
            return ExitCodes.OK;
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-4s %-14s %8s %-11s %-12s %-8s %-11s %s%n",
                "GPU", "TYPE", "MEMORY", "STATE", "JOBS", "NVLINK", "SOURCE", "MODEL / REASON"));
        for (GpuStatus g : gpus) {
            String jobs = g.jobs().isEmpty() ? "-" : g.jobs().stream().map(String::valueOf).collect(Collectors.joining(","));
            String peers = g.nvlinkPeers().isEmpty() ? "-" : g.nvlinkPeers().stream().map(String::valueOf).collect(Collectors.joining(","));
            String last = g.reason() != null ? g.reason() : g.model() != null ? g.model() : "";
            table.append(String.format(Locale.ROOT, "%-4d %-14s %8s %-11s %-12s %-8s %-11s %s%n", g.id(),
                    g.type() == null ? "?" : g.type(), g.memoryMb() == 0 ? "-" : String.format(Locale.ROOT, "%.1fG", g.memoryMb() / 1024.0),
                    g.state(), jobs, peers, g.source() == null ? "-" : g.source(), last));
        }
        common.invocation().out().print(table);
        return ExitCodes.OK;
    }

    /** {@code gpu:3} (or {@code 3}) as a device id. */
    static int device(String text) {
        String id = text.startsWith("gpu:") ? text.substring(4) : text;
        try {
            int gpu = Integer.parseInt(id);
            if (gpu >= 0) {
                return gpu;
            }
        } catch (NumberFormatException ignored) {
            // refused below with the fix
        }
        throw new InvalidInputException("device", text, "use gpu:ID, e.g. gpu:0 (`labq gpus` lists them)");
    }
}
