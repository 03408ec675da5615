package dev.labq.bench.sim;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.decision.Placement;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of GPU nodes behind labq's {@link Placement} interface, for traces recorded on one (labq itself
 * runs on one machine and hands clusters to Slurm). A job runs on one node; GPU ids are numbered across the
 * cluster, node after node.
 *
 * <p>Two rules pick the node:
 * <ul>
 *   <li>{@link Rule#BEST_FIT}, labq's rule carried over from its one-machine pool: among the nodes where the
 *       job fits, the one left with the fewest free GPUs (so whole free nodes stay free for big jobs), then
 *       the fewest free CPUs; a CPU-only job likewise goes where it strands the fewest GPUs.</li>
 *   <li>{@link Rule#FIRST_FIT}, the plain baseline: the first node, in the trace's order, where it fits.</li>
 * </ul>
 * The simulator never serializes allocations, so each one's node is remembered by identity.
 */
public final class ClusterPlacement implements Placement {

    public enum Rule { BEST_FIT, FIRST_FIT }

    /** One node: its capacity and its GPUs' ids (consecutive, one model). */
    public record Node(String name, int cpus, long memoryMb, int firstGpu, int gpuCount, String gpuModel) {
    }

    private final List<Node> nodes;
    private final Rule rule;
    private final MachineInventory inventory;
    private final int[] freeCpusOf;
    private final long[] freeMemoryOf;
    private final int[] freeGpusOf;
    private final BitSet busyGpus = new BitSet();
    private final Map<Allocation, Integer> nodeOf = new IdentityHashMap<>();
    private int freeCpus;
    private long freeMemoryMb;
    private int freeGpus;

    public ClusterPlacement(List<Node> nodes, Rule rule) {
        this.nodes = List.copyOf(nodes);
        this.rule = rule;
        this.freeCpusOf = new int[nodes.size()];
        this.freeMemoryOf = new long[nodes.size()];
        this.freeGpusOf = new int[nodes.size()];
        List<GpuDevice> gpus = new ArrayList<>();
        int cpus = 0;
        long memory = 0;
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            freeCpusOf[n] = node.cpus();
            freeMemoryOf[n] = node.memoryMb();
            freeGpusOf[n] = node.gpuCount();
            cpus += node.cpus();
            memory += node.memoryMb();
            for (int g = 0; g < node.gpuCount(); g++) {
                gpus.add(new GpuDevice(node.firstGpu() + g, node.gpuModel(), 0)); // traces do not give device memory
            }
        }
        this.inventory = new MachineInventory(cpus, memory, gpus);
        this.freeCpus = cpus;
        this.freeMemoryMb = memory;
        this.freeGpus = gpus.size();
    }

    @Override
    public Allocation tryReserve(Resources request) {
        int chosen = -1;
        for (int n = 0; n < nodes.size(); n++) {
            if (!fits(n, request)) {
                continue;
            }
            if (rule == Rule.FIRST_FIT) {
                chosen = n;
                break;
            }
            if (chosen < 0 || better(n, chosen)) {
                chosen = n;
            }
        }
        if (chosen < 0) {
            return null;
        }
        Node node = nodes.get(chosen);
        List<Integer> ids = new ArrayList<>(request.gpus());
        for (int id = node.firstGpu(); ids.size() < request.gpus(); id++) {
            if (!busyGpus.get(id)) {
                ids.add(id);
            }
        }
        Allocation allocation = new Allocation(request.cpus(), request.memoryMb(), ids);
        take(chosen, allocation);
        return allocation;
    }

    private boolean fits(int n, Resources request) {
        Node node = nodes.get(n);
        return freeCpusOf[n] >= request.cpus() && freeMemoryOf[n] >= request.memoryMb() && freeGpusOf[n] >= request.gpus()
                && (request.gpus() == 0 || request.acceptsGpu(node.gpuModel(), Long.MAX_VALUE));
    }

    /** Best fit: fewer GPUs left free after placing, then fewer CPUs left. */
    private boolean better(int n, int than) {
        if (freeGpusOf[n] != freeGpusOf[than]) {
            return freeGpusOf[n] < freeGpusOf[than];
        }
        return freeCpusOf[n] < freeCpusOf[than];
    }

    private void take(int n, Allocation allocation) {
        nodeOf.put(allocation, n);
        freeCpusOf[n] -= allocation.cpus();
        freeMemoryOf[n] -= allocation.memoryMb();
        freeGpusOf[n] -= allocation.gpuIds().size();
        allocation.gpuIds().forEach(busyGpus::set);
        freeCpus -= allocation.cpus();
        freeMemoryMb -= allocation.memoryMb();
        freeGpus -= allocation.gpuIds().size();
    }

    /** Takes an allocation made elsewhere: on its GPUs' node, or for a CPU-only one the first node it fits. */
    @Override
    public void reserve(Allocation allocation) {
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            boolean holdsItsGpus = !allocation.gpuIds().isEmpty() && allocation.gpuIds().get(0) >= node.firstGpu()
                    && allocation.gpuIds().get(0) < node.firstGpu() + node.gpuCount();
            if (holdsItsGpus || (allocation.gpuIds().isEmpty() && fits(n, new Resources(allocation.cpus(), allocation.memoryMb(), 0, null)))) {
                take(n, allocation);
                return;
            }
        }
        throw new IllegalArgumentException("no node of this cluster can hold " + allocation);
    }

    @Override
    public void release(Allocation allocation) {
        Integer n = nodeOf.remove(allocation);
        if (n == null) {
            throw new IllegalArgumentException("not an allocation of this cluster: " + allocation);
        }
        freeCpusOf[n] += allocation.cpus();
        freeMemoryOf[n] += allocation.memoryMb();
        freeGpusOf[n] += allocation.gpuIds().size();
        allocation.gpuIds().forEach(busyGpus::clear);
        freeCpus += allocation.cpus();
        freeMemoryMb += allocation.memoryMb();
        freeGpus += allocation.gpuIds().size();
    }

    @Override
    public boolean couldEverFit(Resources request) {
        for (Node node : nodes) {
            if (node.cpus() >= request.cpus() && node.memoryMb() >= request.memoryMb() && node.gpuCount() >= request.gpus()
                    && (request.gpus() == 0 || request.acceptsGpu(node.gpuModel(), Long.MAX_VALUE))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public MachineInventory inventory() {
        return inventory;
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
        return freeGpus;
    }

    @Override
    public boolean isGpuFree(int id) {
        return !busyGpus.get(id);
    }
}
