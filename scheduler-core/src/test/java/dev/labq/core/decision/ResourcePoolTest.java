package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourcePoolTest {
    /** 8 CPUs, 16 GiB; GPUs listed out of id and size order on purpose. */
    private static final MachineInventory MACHINE = new MachineInventory(8, 16_384, List.of(
            new GpuDevice(0, "a100", 81_920),
            new GpuDevice(1, "t4", 16_384),
            new GpuDevice(2, "v100", 32_768),
            new GpuDevice(3, "t4", 16_384)));

    private final ResourcePool pool = new ResourcePool(MACHINE);

    private static Resources cpuMem(int cpus, long mb) {
        return new Resources(cpus, mb, 0, null);
    }

    private static Resources gpus(int n, String type) {
        return new Resources(1, 100, n, type);
    }

    @Test
    void startsWithTheWholeMachineFree() {
        assertEquals(8, pool.freeCpus());
        assertEquals(16_384, pool.freeMemoryMb());
        assertEquals(4, pool.freeGpus());
        assertSame(MACHINE, pool.inventory());
    }

    @Test
    void reservesCpusAndMemory() {
        Allocation a = pool.tryReserve(cpuMem(3, 4096));
        assertEquals(new Allocation(3, 4096, List.of()), a);
        assertEquals(5, pool.freeCpus());
        assertEquals(12_288, pool.freeMemoryMb());
        assertEquals(4, pool.freeGpus());
    }

    @Test
    void refusesMoreCpusThanFreeWithoutReservingAnything() {
        pool.tryReserve(cpuMem(6, 1));
        assertNull(pool.tryReserve(cpuMem(3, 1)));
        assertEquals(2, pool.freeCpus());
        assertEquals(16_383, pool.freeMemoryMb());
    }

    @Test
    void refusesMoreMemoryThanFreeWithoutReservingAnything() {
        pool.tryReserve(cpuMem(1, 16_000));
        assertNull(pool.tryReserve(cpuMem(1, 385)));
        assertEquals(7, pool.freeCpus());
        assertNotNull(pool.tryReserve(cpuMem(1, 384)));
        assertEquals(0, pool.freeMemoryMb());
    }

    @Test
    void exactFitOfWholeMachineSucceeds() {
        assertNotNull(pool.tryReserve(new Resources(8, 16_384, 4, null)));
        assertEquals(0, pool.freeCpus());
        assertEquals(0, pool.freeMemoryMb());
        assertEquals(0, pool.freeGpus());
        assertNull(pool.tryReserve(cpuMem(1, 0)));
    }

    @Test
    void gpuPlacementPicksSmallestFittingDevice() {
        assertEquals(List.of(1), pool.tryReserve(gpus(1, null)).gpuIds());
    }

    @Test
    void equalSizedDevicesAreTakenInIdOrder() {
        assertEquals(List.of(1, 3), pool.tryReserve(gpus(2, null)).gpuIds());
    }

    @Test
    void gpuPlacementSkipsBusyDevices() {
        pool.tryReserve(gpus(1, null)); // takes 1
        pool.tryReserve(gpus(1, null)); // takes 3
        assertEquals(List.of(2), pool.tryReserve(gpus(1, null)).gpuIds());
        assertEquals(List.of(0), pool.tryReserve(gpus(1, null)).gpuIds());
        assertEquals(0, pool.freeGpus());
        assertNull(pool.tryReserve(gpus(1, null)));
    }

    @Test
    void requestedTypeLimitsPlacementToThatType() {
        assertEquals(List.of(0), pool.tryReserve(gpus(1, "a100")).gpuIds());
        assertEquals(List.of(2), pool.tryReserve(gpus(1, "v100")).gpuIds());
        assertEquals(List.of(1, 3), pool.tryReserve(gpus(2, "t4")).gpuIds());
    }

    @Test
    void tooFewFreeDevicesOfTypeReservesNothing() {
        assertNull(pool.tryReserve(new Resources(2, 1024, 2, "a100")));
        assertEquals(8, pool.freeCpus());
        assertEquals(16_384, pool.freeMemoryMb());
        assertEquals(4, pool.freeGpus());
    }

    @Test
    void busyDeviceOfTypeMakesRequestWait() {
        pool.tryReserve(gpus(1, "a100"));
        assertNull(pool.tryReserve(gpus(1, "a100")));
        assertNull(pool.tryReserve(gpus(1, "h100")));
    }

    @Test
    void releaseReturnsCpusMemoryAndDevices() {
        Allocation a = pool.tryReserve(new Resources(4, 8192, 2, "t4"));
        pool.release(a);
        assertEquals(8, pool.freeCpus());
        assertEquals(16_384, pool.freeMemoryMb());
        assertEquals(4, pool.freeGpus());
        assertEquals(List.of(1, 3), pool.tryReserve(gpus(2, "t4")).gpuIds());
    }

    @Test
    void reserveMarksRestoredAllocationTaken() {
        pool.reserve(new Allocation(2, 1000, List.of(1)));
        assertEquals(6, pool.freeCpus());
        assertEquals(15_384, pool.freeMemoryMb());
        assertEquals(3, pool.freeGpus());
        assertEquals(List.of(3), pool.tryReserve(gpus(1, "t4")).gpuIds());
    }

    @Test
    void couldEverFitComparesWithTheWholeMachine() {
        pool.tryReserve(new Resources(8, 16_384, 4, null)); // a full machine does not change the answer
        assertTrue(pool.couldEverFit(new Resources(8, 16_384, 4, null)));
        assertFalse(pool.couldEverFit(cpuMem(9, 1)));
        assertFalse(pool.couldEverFit(cpuMem(1, 16_385)));
        assertFalse(pool.couldEverFit(gpus(5, null)));
        assertTrue(pool.couldEverFit(gpus(2, "t4")));
        assertFalse(pool.couldEverFit(gpus(3, "t4")));
        assertFalse(pool.couldEverFit(gpus(1, "h100")));
    }

    @Test
    void machineWithoutGpusRefusesGpuRequests() {
        ResourcePool cpuOnly = new ResourcePool(new MachineInventory(4, 4096, List.of()));
        assertNull(cpuOnly.tryReserve(gpus(1, null)));
        assertFalse(cpuOnly.couldEverFit(gpus(1, null)));
        assertEquals(0, cpuOnly.freeGpus());
        assertNotNull(cpuOnly.tryReserve(cpuMem(4, 4096)));
    }
}
