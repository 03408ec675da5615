package dev.labq.core.domain;

import java.util.List;

/** The resources a running job holds: CPUs, memory in MiB, and the ids of its GPU devices. */
public record Allocation(int cpus, long memoryMb, List<Integer> gpuIds) {
    public Allocation {
        gpuIds = gpuIds == null ? List.of() : List.copyOf(gpuIds);
    }
}
