package dev.labq.core.monitor;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.gpu.GpuScan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A discovered GPU that a later look does not find is failed once; a look that cannot be made fails none. */
class DeviceWatcherTest {
    private static GpuScan.Gpu gpu(int index) {
        return new GpuScan.Gpu(index, "GPU-" + index, "NVIDIA A100-SXM4-80GB", 81_920, 0, 0);
    }

    private static GpuScan scan(GpuScan.Gpu... gpus) {
        return new GpuScan(List.of(gpus), Map.of(), Map.of());
    }

    @Test
    void aGpuThatDisappearsIsFailedOnceAndNewsAgainAfterItCameBack() {
        AtomicReference<Optional<GpuScan>> now = new AtomicReference<>(Optional.of(scan(gpu(0), gpu(1))));
        GpuProbe probe = now::get;
        MachineInventory machine = MachineInventory.of(new LabqConfig.Machine("2", "1G",
                List.of(new LabqConfig.Gpu(5, "t4", "16G"))), probe);
        List<JournalEvent> journaled = new ArrayList<>();
        DeviceWatcher watcher = new DeviceWatcher(probe, machine, journaled::add);
        assertEquals(List.of(), watcher.check());
        now.set(Optional.of(scan(gpu(0))));
        assertEquals(List.of(1), watcher.check());
        assertEquals(List.of(new JournalEvent.GpuFailed(1, "nvidia-smi no longer finds GPU-1")), journaled);
        assertEquals(List.of(), watcher.check(), "said once");
        now.set(Optional.empty()); // nvidia-smi failing as a whole: no news about any GPU
        assertEquals(List.of(), watcher.check());
        now.set(Optional.of(scan(gpu(0), gpu(1))));
        watcher.check();
        now.set(Optional.of(scan(gpu(1))));
        assertEquals(List.of(0), watcher.check(), "the listed GPU 5, never discovered, is not watched");
        watcher.close();
    }

    @Test
    void nothingDiscoveredIsNothingToWatchAndNoThread() {
        DeviceWatcher watcher = new DeviceWatcher(GpuProbe.OFF, new MachineInventory(1, 1, List.of()), e -> { });
        watcher.start(1);
        assertEquals(false, Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("labq-gpu-watch")));
        watcher.close();
    }
}
