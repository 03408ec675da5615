package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Free CPUs, memory and GPU devices of the machine. Owned by the decision stage's thread: no locks.
 *
 * <p>GPU placement is best fit: among free devices of the requested type (any type when none is asked for),
 * the smallest-memory ones first, so large devices stay free for the jobs that need them. Devices out of
 * service (drained, failed) take no new work.
 */
public final class ResourcePool implements Placement {
    private final MachineInventory inventory;
    private final List<GpuDevice> gpusSmallestFirst;
    private final BitSet busyGpus = new BitSet();
    private final BitSet outOfService = new BitSet();
    private int freeCpus;
    private long freeMemoryMb;

    public ResourcePool(MachineInventory inventory) {
        this.inventory = inventory;
        this.gpusSmallestFirst = inventory.gpus().stream()
                .sorted(Comparator.comparingLong(GpuDevice::memoryMb).thenComparingInt(GpuDevice::id)).toList();
        this.freeCpus = inventory.cpus();
        this.freeMemoryMb = inventory.memoryMb();
    }

    @Override
    public Allocation tryReserve(Resources request) {
        if (request.cpus() > freeCpus || request.memoryMb() > freeMemoryMb) {
            return null;
        }
        List<Integer> gpuIds = new ArrayList<>(request.gpus());
        for (int i = 0; i < gpusSmallestFirst.size() && gpuIds.size() < request.gpus(); i++) {
            GpuDevice gpu = gpusSmallestFirst.get(i);
            if (!busyGpus.get(gpu.id()) && !outOfService.get(gpu.id()) && (request.gpuType() == null || request.gpuType().equals(gpu.type()))) {
                gpuIds.add(gpu.id());
            }
        }
        if (gpuIds.size() < request.gpus()) {
            return null;
        }
        Allocation allocation = new Allocation(request.cpus(), request.memoryMb(), gpuIds);
        reserve(allocation);
        return allocation;
    }

    @Override
    public void reserve(Allocation allocation) {
        freeCpus -= allocation.cpus();
        freeMemoryMb -= allocation.memoryMb();
        allocation.gpuIds().forEach(busyGpus::set);
    }

    @Override
    public void release(Allocation allocation) {
        freeCpus += allocation.cpus();
        freeMemoryMb += allocation.memoryMb();
        allocation.gpuIds().forEach(busyGpus::clear);
    }

    @Override
    public boolean couldEverFit(Resources request) {
        return request.cpus() <= inventory.cpus() && request.memoryMb() <= inventory.memoryMb()
                && request.gpus() <= inventory.gpuCount(request.gpuType());
    }

    @Override
    public int freeCpus() {
        return freeCpus;
    }

    @Override
    public long freeMemoryMb() {
        return freeMemoryMb;
    }

    @Override
    public int freeGpus() {
        int free = 0;
        for (GpuDevice gpu : inventory.gpus()) {
            free += isGpuFree(gpu.id()) ? 1 : 0;
        }
        return free;
    }

    @Override
    public boolean isGpuFree(int id) {
        return !busyGpus.get(id) && !outOfService.get(id);
    }

    @Override
    public void setInService(int id, boolean inService) {
        outOfService.set(id, !inService);
    }

    @Override
    public MachineInventory inventory() {
        return inventory;
    }
}
