package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;

/**
 * Where jobs go: the free resources and the rule that picks them for a request. {@link ResourcePool} is the
 * one machine labq runs on; the simulator plugs in a cluster of nodes behind the same interface. Owned by
 * the decision thread: implementations need no locks.
 */
public interface Placement {

    /** Reserves what {@code request} asks for and says which devices, or returns {@code null} when it does not fit now. */
    Allocation tryReserve(Resources request);

    /**
     * Why {@code request} does not fit now, in words a user acts on (what is short, which devices are out of
     * service), or {@code null} when {@link #tryReserve} would place it.
     */
    default String refusal(Resources request) {
        return null;
    }

    /** Marks an allocation made earlier (restored from the journal) as taken. */
    void reserve(Allocation allocation);

    void release(Allocation allocation);

    /** Whether {@code request} could ever fit, everything free. */
    boolean couldEverFit(Resources request);

    /** Every CPU, byte of memory and GPU device placement hands out (for a cluster, the sum of its nodes). */
    MachineInventory inventory();

    int freeCpus();

    long freeMemoryMb();

    int freeGpus();

    /** Whether GPU {@code id} of {@link #inventory()} is free. */
    boolean isGpuFree(int id);

    /**
     * Takes GPU {@code id} out of service (drained, failed: no new work goes to it, what runs there goes on) or
     * puts it back. A placement whose devices never leave service (the simulator's cluster) ignores it.
     */
    default void setInService(int id, boolean inService) {
    }

    /** A job asking for {@code request} was submitted: a placement that learns the request mix counts it. */
    default void observe(Resources request) {
    }
}
