package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.placement.FragmentationGradient;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Free CPUs, memory and GPU devices of the machine. Owned by the decision stage's thread: no locks.
 *
 * <p>GPU placement: only devices of a type the request accepts, with at least the memory it asks for, in service
 * (not drained or failed). Whole devices best fit, the smallest-memory ones first, so large devices stay free for
 * the jobs that need them; several devices connected by NVLink to one another where there are such sets. A share of
 * a device goes where it adds the least fragmentation for the mix of recent requests (FGD, ATC'23: free GPU
 * capacity those requests could not use), then where it fits most tightly, so shares pack onto devices already
 * shared and whole devices stay whole.
 */
public final class ResourcePool implements Placement {
    private final MachineInventory inventory;
    private final List<GpuDevice> gpusSmallestFirst;
    /** Thousandths of each device held by running jobs (1000: a whole job, or shares that fill it). */
    private final Map<Integer, Integer> usedMilli = new HashMap<>();
    private final BitSet outOfService = new BitSet();
    private final FragmentationGradient fragments = FragmentationGradient.recent();
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
        List<Integer> gpuIds = request.gpus() == 0 ? List.of()
                : request.fractional() ? share(request) : whole(request);
        if (gpuIds == null) {
            return null;
        }
        Allocation allocation = new Allocation(request.cpus(), request.memoryMb(), gpuIds, request.gpuMilli());
        reserve(allocation);
        return allocation;
    }

    /** The devices for a request of whole ones, or null when too few are free. */
    private List<Integer> whole(Resources request) {
        List<GpuDevice> free = new ArrayList<>();
        for (GpuDevice gpu : gpusSmallestFirst) {
            if (available(gpu, request) && used(gpu.id()) == 0) {
                free.add(gpu);
            }
        }
        if (free.size() < request.gpus()) {
            return null;
        }
        if (request.gpus() > 1) {
            List<Integer> linked = nvlinked(free, request.gpus());
            if (linked != null) {
                return linked;
            }
        }
        return free.subList(0, request.gpus()).stream().map(GpuDevice::id).toList();
    }

    /**
     * The first set of {@code n} free devices, in best-fit order, that all reach one another over NVLink, or null:
     * a depth-first search over the free devices (a machine has at most a few dozen), so a set that a greedy pick
     * would miss on a hybrid cube-mesh is found.
     */
    private static List<Integer> nvlinked(List<GpuDevice> free, int n) {
        List<GpuDevice> set = new ArrayList<>(n);
        return extend(free, 0, n, set) ? set.stream().map(GpuDevice::id).toList() : null;
    }

    private static boolean extend(List<GpuDevice> free, int from, int n, List<GpuDevice> set) {
        if (set.size() == n) {
            return true;
        }
        for (int i = from; i <= free.size() - (n - set.size()); i++) {
            GpuDevice candidate = free.get(i);
            if (set.stream().allMatch(g -> g.nvlinkPeers().contains(candidate.id()))) {
                set.add(candidate);
                if (extend(free, i + 1, n, set)) {
                    return true;
                }
                set.remove(set.size() - 1);
            }
        }
        return false;
    }

    /**
     * The device for a share of one, or null when none has the share left: the one where it adds the least
     * fragmentation for the recent requests ({@link FragmentationGradient}), then the tightest fit.
     */
    private List<Integer> share(Resources request) {
        GpuDevice best = null;
        double bestDelta = Double.POSITIVE_INFINITY;
        int bestLeft = Integer.MAX_VALUE;
        for (GpuDevice gpu : gpusSmallestFirst) {
            int left = Resources.WHOLE - used(gpu.id());
            if (!available(gpu, request) || left < request.gpuMilli()) {
                continue;
            }
            double before = fragments.fragmentation(stateOf(gpu.type(), -1, 0));
            double delta = fragments.fragmentation(stateOf(gpu.type(), gpu.id(), request.gpuMilli())) - before;
            if (delta < bestDelta - 1e-9 || Math.abs(delta - bestDelta) <= 1e-9 && left < bestLeft) {
                best = gpu;
                bestDelta = delta;
                bestLeft = left;
            }
        }
        return best == null ? null : List.of(best.id());
    }

    /** The machine's free CPUs, memory and devices of {@code type} in service, with {@code milli} more taken on {@code id}. */
    private FragmentationGradient.NodeState stateOf(String type, int id, int milli) {
        List<GpuDevice> ofType = inventory.gpus().stream().filter(g -> g.type().equals(type) && !outOfService.get(g.id())).toList();
        int[] free = new int[ofType.size()];
        for (int i = 0; i < free.length; i++) {
            GpuDevice g = ofType.get(i);
            free[i] = Resources.WHOLE - used(g.id()) - (g.id() == id ? milli : 0);
        }
        return new FragmentationGradient.NodeState(freeCpus * Resources.WHOLE, freeMemoryMb, free, type);
    }

    /** A request arrived: the mix of recent requests that shares are placed against learns it. */
    @Override
    public void observe(Resources request) {
        fragments.observe(new FragmentationGradient.Shape(request.cpus() * Resources.WHOLE, request.memoryMb(), request.gpus(),
                request.gpus() == 0 ? 0 : request.fractional() ? request.gpuMilli() : Resources.WHOLE, Set.copyOf(request.gpuTypes())));
    }

    private boolean available(GpuDevice gpu, Resources request) {
        return !outOfService.get(gpu.id()) && request.acceptsGpu(gpu.type(), gpu.memoryMb());
    }

    private int used(int id) {
        return usedMilli.getOrDefault(id, 0);
    }

    @Override
    public String refusal(Resources request) {
        List<String> missing = new ArrayList<>();
        if (request.cpus() > freeCpus) {
            missing.add(request.cpus() + " CPUs, " + freeCpus + " free");
        }
        if (request.memoryMb() > freeMemoryMb) {
            missing.add(request.memoryMb() + "M of memory, " + freeMemoryMb + "M free");
        }
        if (request.gpus() > 0 && (request.fractional() ? share(request) : whole(request)) == null) {
            List<GpuDevice> accepted = inventory.gpus().stream().filter(g -> request.acceptsGpu(g.type(), g.memoryMb())).toList();
            long free = accepted.stream().filter(g -> !outOfService.get(g.id())
                    && Resources.WHOLE - used(g.id()) >= (request.fractional() ? request.gpuMilli() : Resources.WHOLE)).count();
            String what = Resources.gpuText(request.gpuCount()) + (request.fractional() ? " of a GPU" : request.gpus() == 1 ? " GPU" : " GPUs")
                    + (request.gpuType() == null ? "" : " of type " + request.gpuType())
                    + (request.gpuMemoryMb() == null ? "" : " with " + request.gpuMemoryMb() + "M or more");
            StringBuilder gpus = new StringBuilder(what + ", " + free + " of the " + accepted.size() + " that will do "
                    + (request.fractional() ? "have that share" : "are") + " free");
            List<String> off = accepted.stream().filter(g -> outOfService.get(g.id())).map(g -> "gpu " + g.id()).toList();
            if (!off.isEmpty()) {
                gpus.append(" (out of service: ").append(String.join(", ", off)).append(')');
            }
            missing.add(gpus.toString());
        }
        return missing.isEmpty() ? null : "needs " + String.join("; ", missing);
    }

    @Override
    public void reserve(Allocation allocation) {
        freeCpus -= allocation.cpus();
        freeMemoryMb -= allocation.memoryMb();
        allocation.gpuIds().forEach(id -> usedMilli.merge(id, allocation.milliPerGpu(), Integer::sum));
    }

    @Override
    public void release(Allocation allocation) {
        freeCpus += allocation.cpus();
        freeMemoryMb += allocation.memoryMb();
        allocation.gpuIds().forEach(id -> usedMilli.computeIfPresent(id, (k, used) -> used - allocation.milliPerGpu() <= 0
                ? null : used - allocation.milliPerGpu()));
    }

    @Override
    public boolean couldEverFit(Resources request) {
        return request.cpus() <= inventory.cpus() && request.memoryMb() <= inventory.memoryMb()
                && request.gpus() <= inventory.gpus().stream().filter(g -> request.acceptsGpu(g.type(), g.memoryMb())).count();
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

    /** Wholly free and in service: a device holding a share is not free for a whole-device job. */
    @Override
    public boolean isGpuFree(int id) {
        return used(id) == 0 && !outOfService.get(id);
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
