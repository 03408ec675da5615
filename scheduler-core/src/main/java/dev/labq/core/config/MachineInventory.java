package dev.labq.core.config;

import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.gpu.GpuScan;
import dev.labq.core.gpu.NvidiaSmi;
import oshi.SystemInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources labq may hand out: CPUs, memory in MiB and GPU devices, with "auto" resolved against the real
 * machine (OSHI) and GPUs discovered by a {@link GpuProbe} merged with the listed ones.
 *
 * @param conflicts where labq.yaml and discovery disagree, one line each (the listed value is used)
 */
public record MachineInventory(int cpus, long memoryMb, List<GpuDevice> gpus, List<String> conflicts) {

    public MachineInventory {
        gpus = gpus.stream().sorted(Comparator.comparingInt(GpuDevice::id)).toList();
        conflicts = List.copyOf(conflicts);
        Set<Integer> ids = new HashSet<>();
        for (GpuDevice gpu : gpus) {
            if (!ids.add(gpu.id())) {
                throw new InvalidInputException("machine.gpus.id", gpu.id(), "give each GPU its own id");
            }
        }
    }

    public MachineInventory(int cpus, long memoryMb, List<GpuDevice> gpus) {
        this(cpus, memoryMb, gpus, List.of());
    }

    /**
     * One GPU device that jobs may be placed on: a whole GPU, or one MIG instance of a partitioned one.
     *
     * @param id          labq's id (nvidia-smi's index for a whole GPU; MIG instances are numbered after the GPUs)
     * @param type        what {@code --gpu-type} matches: {@code a100}, {@code h100}, {@code a100-3g.20gb}...
     * @param uuid        the driver's id, null for a listed GPU that was not discovered
     * @param model       the driver's name for it ({@code NVIDIA A100-SXM4-80GB}), null when not discovered
     * @param visibleAs   what {@code CUDA_VISIBLE_DEVICES} gets: the UUID when known (CUDA's own order may differ
     *                    from nvidia-smi's), else the id
     * @param nvlinkPeers ids of the GPUs it reaches over NVLink
     * @param source      {@code nvidia-smi}, {@code labq.yaml}, or {@code placeholder}
     */
    public record GpuDevice(int id, String type, long memoryMb, String uuid, String model, String visibleAs,
                            Set<Integer> nvlinkPeers, String source) {
        public static final String LISTED = "labq.yaml";
        public static final String DISCOVERED = "nvidia-smi";
        public static final String PLACEHOLDER = "placeholder";

        public GpuDevice {
            nvlinkPeers = nvlinkPeers == null ? Set.of() : Set.copyOf(nvlinkPeers);
            visibleAs = visibleAs == null ? Integer.toString(id) : visibleAs;
        }

        /** A GPU as labq.yaml lists it. */
        public GpuDevice(int id, String type, long memoryMb) {
            this(id, type, memoryMb, null, null, null, null, LISTED);
        }
    }

    /** The machine as configured, GPUs from labq.yaml alone. */
    public static MachineInventory of(LabqConfig.Machine machine) {
        return of(machine, GpuProbe.OFF);
    }

    /** The machine as configured, with the GPUs {@code probe} finds merged in. */
    public static MachineInventory of(LabqConfig.Machine machine, GpuProbe probe) {
        int cpus = "auto".equals(machine.cpus()) ? Runtime.getRuntime().availableProcessors() : parseCpus(machine.cpus());
        long memory = "auto".equals(machine.memory())
                ? new SystemInfo().getHardware().getMemory().getTotal() / (1024 * 1024)
                : Resources.parseMemoryMb(machine.memory());
        List<String> conflicts = new ArrayList<>();
        List<GpuDevice> gpus = merge(machine.gpus(), probe.scan(), conflicts);
        return new MachineInventory(cpus, memory, gpus, conflicts);
    }

    /**
     * Discovered GPUs, each replaced by a listed one of the same id (the listed type and memory win, a difference
     * is a conflict). When something was discovered, a listed GPU it did not find is left out (a conflict), and so
     * are placeholders; when nothing was, the listed GPUs are the machine.
     */
    static List<GpuDevice> merge(List<LabqConfig.Gpu> listed, Optional<GpuScan> scan, List<String> conflicts) {
        List<GpuDevice> discovered = scan.map(MachineInventory::devices).orElse(List.of());
        Map<Integer, GpuDevice> out = new LinkedHashMap<>();
        discovered.forEach(d -> out.put(d.id(), d));
        Set<Integer> listedIds = new HashSet<>();
        for (LabqConfig.Gpu gpu : listed) {
            if (!listedIds.add(gpu.id())) {
                throw new InvalidInputException("machine.gpus.id", gpu.id(), "give each GPU its own id");
            }
            if (gpu.placeholder() && !discovered.isEmpty()) {
                continue;
            }
            GpuDevice found = out.get(gpu.id());
            long memory = gpu.memory() != null ? gpu.memoryMb() : found != null ? found.memoryMb() : 0;
            if (found == null) {
                if (!discovered.isEmpty()) { // a GPU that is not there must not be given to jobs
                    conflicts.add("gpu " + gpu.id() + " is listed in labq.yaml but nvidia-smi does not find it; left out"
                            + " (with machine.discover: off the listed GPUs are the machine)");
                    continue;
                }
                out.put(gpu.id(), new GpuDevice(gpu.id(), gpu.type(), memory, null, null, null, null,
                        gpu.placeholder() ? GpuDevice.PLACEHOLDER : GpuDevice.LISTED));
                continue;
            }
            if (!found.type().equals(gpu.type()) || gpu.memory() != null && memory != found.memoryMb()) {
                conflicts.add(String.format(Locale.ROOT, "gpu %d: labq.yaml says %s with %s, nvidia-smi finds %s (%s) with %s;"
                                + " labq.yaml's is used", gpu.id(), gpu.type(), mib(memory), found.type(), found.model(),
                        mib(found.memoryMb())));
            }
            out.put(gpu.id(), new GpuDevice(gpu.id(), gpu.type(), memory, found.uuid(), found.model(), found.visibleAs(),
                    found.nvlinkPeers(), GpuDevice.LISTED));
        }
        return new ArrayList<>(out.values());
    }

    /** One device per whole GPU (its index), one per MIG instance (numbered after the GPUs) of a partitioned one. */
    private static List<GpuDevice> devices(GpuScan scan) {
        List<GpuDevice> out = new ArrayList<>();
        int nextId = scan.gpus().stream().mapToInt(GpuScan.Gpu::index).max().orElse(-1) + 1;
        for (GpuScan.Gpu gpu : scan.gpus()) {
            String type = NvidiaSmi.typeOf(gpu.name());
            List<GpuScan.Mig> instances = scan.mig().getOrDefault(gpu.index(), List.of());
            if (instances.isEmpty()) {
                out.add(new GpuDevice(gpu.index(), type, gpu.memoryMb(), gpu.uuid(), gpu.name(), gpu.uuid(),
                        scan.nvlinks().getOrDefault(gpu.index(), Set.of()), GpuDevice.DISCOVERED));
            }
            for (GpuScan.Mig mig : instances) {
                out.add(new GpuDevice(nextId++, type + "-" + mig.profile(), mig.memoryMb(), mig.uuid(),
                        gpu.name() + " MIG " + mig.profile(), mig.uuid(), Set.of(), GpuDevice.DISCOVERED));
            }
        }
        return out;
    }

    private static String mib(long mb) {
        return mb % 1024 == 0 ? mb / 1024 + "G" : mb + "M";
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

    /** The device with labq id {@code id}, if the machine has it. */
    public Optional<GpuDevice> gpu(int id) {
        return gpus.stream().filter(g -> g.id() == id).findFirst();
    }
}
