package dev.labq.core.state;

import dev.labq.core.event.JournalEvent;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which GPU devices are out of service, folded from {@code GpuDrained}, {@code GpuFailed} and {@code GpuResumed}
 * entries: a device not here is in service. Kept by the {@link JobTable} (a failed device requeues the jobs on
 * it) and projected into the devices view. Single writer: the fold's.
 */
public final class DeviceStates {

    /** Why a device takes no new work. */
    public enum Service { DRAINED, FAILED }

    /** A device out of service since {@code sinceMillis}, and why. */
    public record OutOfService(int gpu, Service service, String reason, long sinceMillis) {
    }

    private final Map<Integer, OutOfService> out = new TreeMap<>();
    /** Devices whose state changed since the last {@link #drainChanged()}: null for back in service. */
    private final Map<Integer, OutOfService> changed = new LinkedHashMap<>();

    /** Applies a device entry; returns whether it was one. */
    boolean apply(long timestampMillis, JournalEvent event) {
        if (event instanceof JournalEvent.GpuDrained d) {
            OutOfService now = out.get(d.gpu());
            if (now == null || now.service() == Service.DRAINED) { // a failed device stays failed until resumed
                put(new OutOfService(d.gpu(), Service.DRAINED, d.reason(), now == null ? timestampMillis : now.sinceMillis()));
            }
            return true;
        }
        if (event instanceof JournalEvent.GpuFailed f) {
            put(new OutOfService(f.gpu(), Service.FAILED, f.reason(), timestampMillis));
            return true;
        }
        if (event instanceof JournalEvent.GpuResumed r) {
            if (out.remove(r.gpu()) != null) {
                changed.put(r.gpu(), null);
            }
            return true;
        }
        return false;
    }

    private void put(OutOfService state) {
        out.put(state.gpu(), state);
        changed.put(state.gpu(), state);
    }

    /** Restores a state read back from the devices view. */
    public void restore(OutOfService state) {
        out.put(state.gpu(), state);
    }

    public Optional<OutOfService> get(int gpu) {
        return Optional.ofNullable(out.get(gpu));
    }

    public boolean inService(int gpu) {
        return !out.containsKey(gpu);
    }

    public Collection<OutOfService> all() {
        return List.copyOf(out.values());
    }

    /** The devices changed since the last call, each with its state now (null: back in service), and forgets them. */
    public Map<Integer, OutOfService> drainChanged() {
        if (changed.isEmpty()) {
            return Map.of();
        }
        Map<Integer, OutOfService> drained = new LinkedHashMap<>(changed);
        changed.clear();
        return drained;
    }
}
