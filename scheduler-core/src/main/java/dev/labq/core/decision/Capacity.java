package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An amount of the machine: CPUs, memory and a count of GPUs per type. Backfill plans with amounts, not
 * devices: a job that asks for a GPU type may take any device of it, so counts decide whether it fits.
 * Mutable and owned by one decision.
 */
final class Capacity {
    /** GPU types, those with the smallest devices first: an untyped request takes from them first, as placement does. */
    private final List<String> types;
    /** GPU device id to its index in {@link #types}: an array, as backfill reads it for every device it plans with. */
    private final int[] typeOfDevice;
    private final int[] gpus;
    private int cpus;
    private long memoryMb;

    private Capacity(List<String> types, int[] typeOfDevice) {
        this.types = types;
        this.typeOfDevice = typeOfDevice;
        this.gpus = new int[types.size()];
    }

    /** Nothing of the machine {@code inventory}, in its GPU types. */
    static Capacity none(MachineInventory inventory) {
        List<String> types = new ArrayList<>();
        int[] typeOfDevice = new int[inventory.gpus().stream().mapToInt(GpuDevice::id).max().orElse(-1) + 1];
        inventory.gpus().stream()
                .sorted(Comparator.comparingLong(GpuDevice::memoryMb).thenComparingInt(GpuDevice::id))
                .forEach(gpu -> {
                    if (!types.contains(gpu.type())) {
                        types.add(gpu.type());
                    }
                    typeOfDevice[gpu.id()] = types.indexOf(gpu.type());
                });
        return new Capacity(types, typeOfDevice);
    }

    /** An empty amount in the same GPU types. */
    Capacity empty() {
        return new Capacity(types, typeOfDevice);
    }

    Capacity copy() {
        Capacity copy = empty();
        copy.add(this);
        return copy;
    }

    void add(Capacity other) {
        cpus += other.cpus;
        memoryMb += other.memoryMb;
        for (int t = 0; t < gpus.length; t++) {
            gpus[t] += other.gpus[t];
        }
    }

    /**
     * Adds what {@code allocation} frees when it ends. A share of a device frees no whole device (others may still
     * hold shares of it): the plan then starts work later than it could, never earlier.
     */
    void add(Allocation allocation) {
        cpus += allocation.cpus();
        memoryMb += allocation.memoryMb();
        if (allocation.gpuMilli() != null) {
            return;
        }
        for (int id : allocation.gpuIds()) {
            gpus[typeOfDevice[id]]++;
        }
    }

    /** What {@code placement} has free now, in this amount's GPU types. */
    Capacity freeIn(Placement placement) {
        Capacity free = empty();
        free.cpus = placement.freeCpus();
        free.memoryMb = placement.freeMemoryMb();
        for (GpuDevice gpu : placement.inventory().gpus()) {
            if (placement.isGpuFree(gpu.id())) {
                free.gpus[typeOfDevice[gpu.id()]]++;
            }
        }
        return free;
    }

    /**
     * Whether {@code request} fits, counting devices by type (a share of one counts as a device: a plan of when
     * work can start may be late, never early; the least memory per GPU is left to placement).
     */
    boolean fits(Resources request) {
        return request.cpus() <= cpus && request.memoryMb() <= memoryMb && request.gpus() <= gpusFor(request.gpuTypes());
    }

    /** Takes {@code request} out; call only when it {@link #fits}. */
    void subtract(Resources request) {
        cpus -= request.cpus();
        memoryMb -= request.memoryMb();
        int left = request.gpus();
        List<String> accepted = request.gpuTypes();
        for (int t = 0; t < gpus.length && left > 0; t++) {
            if (accepted.isEmpty() || accepted.contains(types.get(t))) {
                int taken = Math.min(left, gpus[t]);
                gpus[t] -= taken;
                left -= taken;
            }
        }
    }

    private int gpusFor(List<String> accepted) {
        int all = 0;
        for (int t = 0; t < gpus.length; t++) {
            if (accepted.isEmpty() || accepted.contains(types.get(t))) {
                all += gpus[t];
            }
        }
        return all;
    }
}
