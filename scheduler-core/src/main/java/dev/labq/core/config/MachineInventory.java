package dev.labq.core.config;

import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;
import oshi.SystemInfo;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The resources labq may hand out: CPUs, memory in MiB and GPU devices, with "auto" resolved against
 * the real machine (OSHI).
 */
public record MachineInventory(int cpus, long memoryMb, List<GpuDevice> gpus) {

    public MachineInventory {
        gpus = gpus.stream().sorted(Comparator.comparingInt(GpuDevice::id)).toList();
        Set<Integer> ids = new HashSet<>();
        for (GpuDevice gpu : gpus) {
            if (!ids.add(gpu.id())) {
                throw new InvalidInputException("machine.gpus.id", gpu.id(), "give each GPU its own id");
            }
        }
    }

    /** One GPU device that jobs may be placed on. */
    public record GpuDevice(int id, String type, long memoryMb) {
    }

    public static MachineInventory of(LabqConfig.Machine machine) {
        int cpus = "auto".equals(machine.cpus()) ? Runtime.getRuntime().availableProcessors() : parseCpus(machine.cpus());
        long memory = "auto".equals(machine.memory())
                ? new SystemInfo().getHardware().getMemory().getTotal() / (1024 * 1024)
                : Resources.parseMemoryMb(machine.memory());
        List<GpuDevice> gpus = machine.gpus().stream()
                .map(g -> new GpuDevice(g.id(), g.type(), g.memoryMb())).toList();
        return new MachineInventory(cpus, memory, gpus);
    }

    private static int parseCpus(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the fix
        }
        throw new InvalidInputException("machine.cpus", text, "use auto or a whole number of CPUs");
    }

    public boolean hasGpuType(String type) {
        return gpus.stream().anyMatch(g -> g.type().equals(type));
    }

    public long gpuCount(String type) {
        return gpus.stream().filter(g -> type == null || g.type().equals(type)).count();
    }
}
