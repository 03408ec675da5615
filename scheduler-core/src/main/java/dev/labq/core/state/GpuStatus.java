package dev.labq.core.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.JobState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One GPU device as {@code labq gpus} shows it: what it is, whether it takes work, and the jobs on it.
 *
 * @param state   {@code idle}, {@code partly-used} (shares of it held, some left), {@code full}, {@code drained}
 *                or {@code failed} (out of service: no new work; what runs on a drained one goes on)
 * @param reason  why it is out of service, else null
 * @param jobs    the ids of the jobs running on it
 * @param type    null for a failed device no longer on the machine
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GpuStatus(int id, String type, long memoryMb, String model, String uuid, String source, String state,
                        String reason, List<Long> jobs, List<Integer> nvlinkPeers) {
    public static final String IDLE = "idle";
    public static final String FULL = "full";
    public static final String PARTLY_USED = "partly-used";

    /** Every device of {@code inventory}, and every failed one it no longer has, as {@code table} has them now. */
    public static List<GpuStatus> of(MachineInventory inventory, JobTable table) {
        Map<Integer, List<Long>> jobsOn = new TreeMap<>();
        Map<Integer, Integer> usedMilli = new TreeMap<>();
        for (JobStatus job : table.all()) {
            if (job.state() == JobState.RUNNING && job.allocation() != null) {
                for (int g : job.allocation().gpuIds()) {
                    jobsOn.computeIfAbsent(g, k -> new ArrayList<>()).add(job.id().value());
                    usedMilli.merge(g, job.allocation().milliPerGpu(), Integer::sum);
                }
            }
        }
        jobsOn.values().forEach(ids -> ids.sort(null));
        List<GpuStatus> out = new ArrayList<>();
        for (GpuDevice gpu : inventory.gpus()) {
            List<Long> jobs = jobsOn.getOrDefault(gpu.id(), List.of());
            DeviceStates.OutOfService off = table.devices().get(gpu.id()).orElse(null);
            int used = usedMilli.getOrDefault(gpu.id(), 0);
            String state = off != null ? off.service().name().toLowerCase(java.util.Locale.ROOT)
                    : used == 0 ? IDLE : used >= dev.labq.core.domain.Resources.WHOLE ? FULL : PARTLY_USED;
            out.add(new GpuStatus(gpu.id(), gpu.type(), gpu.memoryMb(), gpu.model(), gpu.uuid(), gpu.source(), state,
                    off == null ? null : off.reason(), jobs, gpu.nvlinkPeers().stream().sorted().toList()));
        }
        for (DeviceStates.OutOfService off : table.devices().all()) {
            if (inventory.gpu(off.gpu()).isEmpty()) {
                out.add(new GpuStatus(off.gpu(), null, 0, null, null, null, off.service().name().toLowerCase(java.util.Locale.ROOT),
                        off.reason(), jobsOn.getOrDefault(off.gpu(), List.of()), List.of()));
            }
        }
        out.sort(java.util.Comparator.comparingInt(GpuStatus::id));
        return out;
    }
}
