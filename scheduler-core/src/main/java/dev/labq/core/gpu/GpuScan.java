package dev.labq.core.gpu;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one look at the machine's GPUs found.
 *
 * @param gpus     the physical GPUs, by nvidia-smi index
 * @param mig      MIG instances by the index of the GPU they partition (a partitioned GPU runs work only in them)
 * @param nvlinks  for each GPU index, the indices it reaches over NVLink ({@code NV#} in {@code topo -m})
 */
public record GpuScan(List<Gpu> gpus, Map<Integer, List<Mig>> mig, Map<Integer, Set<Integer>> nvlinks) {

    public GpuScan {
        gpus = List.copyOf(gpus);
        mig = Map.copyOf(mig);
        nvlinks = Map.copyOf(nvlinks);
    }

    /**
     * One physical GPU.
     *
     * @param utilizationPct null where the driver does not say (MIG mode prints {@code [N/A]})
     */
    public record Gpu(int index, String uuid, String name, long memoryMb, long memoryUsedMb, Integer utilizationPct) {
    }

    /** One MIG instance: its profile ({@code 3g.20gb}) and the UUID that {@code CUDA_VISIBLE_DEVICES} takes. */
    public record Mig(int gpuIndex, int device, String profile, String uuid) {

        /** The memory its profile names ({@code 3g.20gb}: 20 GiB; {@code 1g.10gb+me}: 10 GiB), 0 when it names none. */
        public long memoryMb() {
            java.util.regex.Matcher gb = java.util.regex.Pattern.compile("\\.(\\d+(?:\\.\\d+)?)gb", java.util.regex.Pattern.CASE_INSENSITIVE)
                    .matcher(profile);
            return gb.find() ? Math.round(Double.parseDouble(gb.group(1)) * 1024) : 0;
        }
    }
}
