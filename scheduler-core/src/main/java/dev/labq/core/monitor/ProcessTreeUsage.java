package dev.labq.core.monitor;

import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.util.ArrayList;
import java.util.List;

/**
 * What a process tree uses now, read with OSHI (from {@code /proc} on Linux, no privileges): the resident memory
 * and CPU time of a job's process and all its descendants, as Slurm's {@code jobacct_gather} sums a step's tasks.
 * Thread-safe.
 */
public final class ProcessTreeUsage {
    private final OperatingSystem os = new SystemInfo().getOperatingSystem();

    /** Resident memory in MiB and CPU seconds (user and system) of a tree now. */
    public record Usage(long rssMb, double cpuSeconds) {
    }

    /** What {@code root} and its descendants use; processes that ended meanwhile count for nothing. */
    public Usage of(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        long rss = 0;
        long cpuMillis = 0;
        for (ProcessHandle p : tree) {
            OSProcess process = os.getProcess((int) p.pid());
            if (process != null) {
                rss += process.getResidentMemory();
                cpuMillis += process.getUserTime() + process.getKernelTime();
            }
        }
        return new Usage(rss >> 20, cpuMillis / 1000.0);
    }
}
