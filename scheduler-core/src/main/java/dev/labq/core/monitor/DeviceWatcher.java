package dev.labq.core.monitor;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.gpu.GpuScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Looks at the GPUs again on an interval: a device labq took from discovery that the probe no longer finds (a
 * GPU fallen off the bus, an Xid that took it away) is journaled as {@code GpuFailed}, so no new work goes to
 * it and the attempts on it are requeued, not lost. It stays failed until {@code labq resume gpu:ID}. A look
 * that cannot be made (nvidia-smi failing as a whole) changes nothing: one broken query must not fail every GPU.
 */
public final class DeviceWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWatcher.class);

    private final GpuProbe probe;
    private final List<GpuDevice> watched;
    private final Consumer<JournalEvent> journal;
    private final Set<Integer> reported = new HashSet<>();
    private ScheduledExecutorService timer;

    public DeviceWatcher(GpuProbe probe, MachineInventory inventory, Consumer<JournalEvent> journal) {
        this.probe = probe;
        this.watched = inventory.gpus().stream().filter(g -> g.uuid() != null).toList();
        this.journal = journal;
    }

    /** Looks every {@code periodSeconds} on a daemon thread of its own (nothing to watch: no thread). */
    public synchronized void start(long periodSeconds) {
        if (watched.isEmpty() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "labq-gpu-watch");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("looking at the GPUs failed: {}", e.toString());
            }
        }, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /** One look; returns the ids of the devices it found gone (each reported once per scheduler run). */
    public synchronized List<Integer> check() {
        Optional<GpuScan> scan = probe.scan();
        if (scan.isEmpty()) {
            return List.of();
        }
        Set<String> present = new HashSet<>();
        scan.get().gpus().forEach(g -> present.add(g.uuid()));
        scan.get().mig().values().forEach(instances -> instances.forEach(m -> present.add(m.uuid())));
        List<Integer> gone = new ArrayList<>();
        for (GpuDevice gpu : watched) {
            if (!present.contains(gpu.uuid()) && reported.add(gpu.id())) {
                LOG.warn("gpu {} ({}) is gone: nvidia-smi no longer finds {}", gpu.id(), gpu.model(), gpu.uuid());
                journal.accept(new JournalEvent.GpuFailed(gpu.id(), "nvidia-smi no longer finds " + gpu.uuid()));
                gone.add(gpu.id());
            } else if (present.contains(gpu.uuid())) {
                reported.remove(gpu.id()); // seen again: a later loss is news again
            }
        }
        return gone;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
