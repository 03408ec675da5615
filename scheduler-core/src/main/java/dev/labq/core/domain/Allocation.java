package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The resources a running job holds: CPUs, memory in MiB, the ids of its GPU devices, and, for a share of one
 * device, its thousandths ({@code null}: the devices are its alone).
 */
public record Allocation(int cpus, long memoryMb, List<Integer> gpuIds,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Integer gpuMilli) {
    public Allocation {
        gpuIds = gpuIds == null ? List.of() : List.copyOf(gpuIds);
    }

    public Allocation(int cpus, long memoryMb, List<Integer> gpuIds) {
        this(cpus, memoryMb, gpuIds, null);
    }

    /** Thousandths of each of its devices it holds: 1000 for whole ones. */
    @JsonIgnore
    public int milliPerGpu() {
        return gpuMilli == null ? Resources.WHOLE : gpuMilli;
    }

    /** GPUs in devices' worth (0.5 for half of one): what usage is charged for. */
    @JsonIgnore
    public double gpuCount() {
        return gpuIds.size() * milliPerGpu() / (double) Resources.WHOLE;
    }
}
