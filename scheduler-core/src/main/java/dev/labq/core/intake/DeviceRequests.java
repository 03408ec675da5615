package dev.labq.core.intake;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.DeviceStates;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code labq drain gpu:ID --reason TEXT} and {@code labq resume gpu:ID} as journal entries, checked against the
 * machine: a device it does not have (nor once had, failed) is refused naming the ones there are.
 */
public final class DeviceRequests {
    private DeviceRequests() {
    }

    /** The entry that takes GPU {@code gpu} out of service. */
    public static JournalEvent.GpuDrained drain(MachineInventory inventory, DeviceStates states, int gpu, String reason) {
        requireKnown(inventory, states, gpu);
        if (reason == null || reason.isBlank()) {
            throw new InvalidInputException("reason", "''", "say why the device is drained, e.g. --reason \"fan noise, RMA\"");
        }
        return new JournalEvent.GpuDrained(gpu, reason.strip());
    }

    /** The entry that puts GPU {@code gpu} back in service. */
    public static JournalEvent.GpuResumed resume(MachineInventory inventory, DeviceStates states, int gpu) {
        requireKnown(inventory, states, gpu);
        return new JournalEvent.GpuResumed(gpu);
    }

    private static void requireKnown(MachineInventory inventory, DeviceStates states, int gpu) {
        if (inventory.gpu(gpu).isPresent() || states.get(gpu).isPresent()) {
            return;
        }
        TreeSet<Integer> known = new TreeSet<>();
        inventory.gpus().forEach(g -> known.add(g.id()));
        states.all().forEach(s -> known.add(s.gpu()));
        List<String> ids = new ArrayList<>();
        known.forEach(id -> ids.add("gpu:" + id));
        throw new InvalidInputException("device", "gpu:" + gpu, known.isEmpty() ? "this machine has no GPU"
                : "use one of " + ids + " (`labq gpus` lists them)");
    }
}
