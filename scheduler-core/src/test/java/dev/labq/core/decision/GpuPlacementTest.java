package dev.labq.core.decision;

import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shares of a device, lists of types, memory per GPU and NVLink-connected sets. */
class GpuPlacementTest {
    private static GpuDevice gpu(int id, String type, long mb, Integer... peers) {
        return new GpuDevice(id, type, mb, "GPU-" + id, null, null, Set.of(peers), GpuDevice.DISCOVERED);
    }

    /** Four A6000s linked in pairs (0-1, 2-3) and a T4. */
    private static final MachineInventory PAIRS = new MachineInventory(16, 65_536, List.of(
            gpu(0, "a6000", 49_152, 1), gpu(1, "a6000", 49_152, 0), gpu(2, "a6000", 49_152, 3), gpu(3, "a6000", 49_152, 2),
            gpu(4, "t4", 16_384)));

    private final ResourcePool pool = new ResourcePool(PAIRS);

    private static Resources share(double of, String type) {
        int[] parsed = Resources.parseGpus(Double.toString(of));
        return new Resources(1, 64, parsed[0], type).withGpu(null, parsed[1]);
    }

    @Test
    void twoHalvesShareOneDeviceWhileAWholeJobOfThatTypeWaitsThenRuns() {
        MachineInventory oneT4 = new MachineInventory(4, 8_192, List.of(gpu(0, "t4", 16_384)));
        ResourcePool one = new ResourcePool(oneT4);
        Allocation a = one.tryReserve(share(0.5, "t4"));
        Allocation b = one.tryReserve(share(0.5, "t4"));
        assertEquals(List.of(0), a.gpuIds());
        assertEquals(List.of(0), b.gpuIds(), "the same device");
        assertEquals(500, a.milliPerGpu());
        assertEquals(0.5, a.gpuCount());
        assertNull(one.tryReserve(new Resources(1, 64, 1, "t4")), "a whole one waits");
        assertNull(one.tryReserve(share(0.25, "t4")), "full");
        one.release(a);
        assertFalse(one.isGpuFree(0), "still shared with b");
        assertNull(one.tryReserve(new Resources(1, 64, 1, "t4")));
        one.release(b);
        assertEquals(List.of(0), one.tryReserve(new Resources(1, 64, 1, "t4")).gpuIds(), "then it runs");
    }

    @Test
    void sharesPackOntoADeviceAlreadySharedSoWholeOnesStayWhole() {
        Allocation first = pool.tryReserve(share(0.25, "a6000"));
        Allocation second = pool.tryReserve(share(0.5, "a6000"));
        assertEquals(first.gpuIds(), second.gpuIds(), "the tightest fit is the device already shared");
        Allocation third = pool.tryReserve(share(0.5, "a6000"));
        assertTrue(!third.gpuIds().equals(first.gpuIds()), "0.25 left there: the next half goes elsewhere");
        assertEquals(2, pool.freeGpus() - 1, "two a6000s and the t4 still whole");
    }

    @Test
    void aShareGoesWhereItLeavesTheMostForTheRequestsThatHaveBeenComing() {
        ResourcePool two = new ResourcePool(new MachineInventory(8, 8_192, List.of(gpu(0, "t4", 16_384), gpu(1, "t4", 16_384))));
        for (int i = 0; i < 20; i++) {
            two.observe(share(0.5, "t4")); // halves are what comes
        }
        assertEquals(List.of(0), two.tryReserve(share(0.5, "t4")).gpuIds());
        // a quarter on gpu 0 would leave 0.25 there, which no half can use; on gpu 1, both still take a half
        assertEquals(List.of(1), two.tryReserve(share(0.25, "t4")).gpuIds());
        ResourcePool fresh = new ResourcePool(new MachineInventory(8, 8_192, List.of(gpu(0, "t4", 16_384), gpu(1, "t4", 16_384))));
        fresh.tryReserve(share(0.5, "t4"));
        assertEquals(List.of(0), fresh.tryReserve(share(0.25, "t4")).gpuIds(), "nothing learned yet: the tightest fit");
    }

    @Test
    void multiGpuJobsGetNvlinkedSetsAndFallBackToBestFit() {
        assertEquals(List.of(0, 1), pool.tryReserve(new Resources(1, 64, 2, "a6000")).gpuIds());
        Allocation one = pool.tryReserve(new Resources(1, 64, 1, "a6000"));
        assertEquals(List.of(2), one.gpuIds());
        pool.tryReserve(new Resources(1, 64, 1, "a6000")); // 3: no a6000 left
        pool.release(one);
        assertNull(pool.tryReserve(new Resources(1, 64, 2, "a6000")));
        assertEquals(List.of(4, 2), pool.tryReserve(new Resources(1, 64, 2, null)).gpuIds(), "no linked pair free: best fit, smallest first");
    }

    @Test
    void anNvlinkedSetAGreedyPickWouldMissIsFound() {
        // links 0-1, 0-2, 0-3, 2-3: taking 0 then 1 leaves no third linked to both; {0, 2, 3} is the set
        ResourcePool mesh = new ResourcePool(new MachineInventory(8, 8_192, List.of(gpu(0, "v100", 32_768, 1, 2, 3),
                gpu(1, "v100", 32_768, 0), gpu(2, "v100", 32_768, 0, 3), gpu(3, "v100", 32_768, 0, 2))));
        assertEquals(List.of(0, 2, 3), mesh.tryReserve(new Resources(1, 64, 3, null)).gpuIds());
    }

    @Test
    void aTypeListAndALeastMemoryChooseAmongDevices() {
        assertEquals(List.of(4), pool.tryReserve(new Resources(1, 64, 1, "t4,a6000")).gpuIds(), "the smallest that will do");
        assertEquals(List.of(0), pool.tryReserve(new Resources(1, 64, 1, null).withGpu(20_000L, null)).gpuIds(),
                "the t4 is too small");
        assertTrue(pool.couldEverFit(new Resources(1, 64, 4, null).withGpu(40_000L, null)));
        assertFalse(pool.couldEverFit(new Resources(1, 64, 5, null).withGpu(40_000L, null)));
        assertFalse(pool.couldEverFit(new Resources(1, 64, 1, "h100")));
    }

    @Test
    void gpusAreWrittenAsAWholeNumberOrAShareBelowOne() {
        assertArrayEquals(new int[] {3, 0}, Resources.parseGpus("3"));
        assertArrayEquals(new int[] {1, 500}, Resources.parseGpus("0.5"));
        assertArrayEquals(new int[] {1, 125}, Resources.parseGpus(".125"));
        assertEquals("invalid gpus=1.5: give a whole number of GPUs, or a share of one below 1 (0.5, 0.25)",
                assertThrows(InvalidInputException.class, () -> Resources.parseGpus("1.5")).getMessage());
        assertEquals("invalid gpus=-1: ask for 0 or more GPUs",
                assertThrows(InvalidInputException.class, () -> Resources.parseGpus("-1")).getMessage());
        assertThrows(InvalidInputException.class, () -> Resources.parseGpus("0.0001"));
        assertThrows(InvalidInputException.class, () -> Resources.parseGpus("half"));
        assertThrows(InvalidInputException.class, () -> new Resources(1, 64, 2, null).withGpu(null, 500));
        assertEquals(new Resources(1, 64, 1, null), new Resources(1, 64, 1, null).withGpu(null, 1000), "1000 is whole");
        assertEquals("cpus=1 mem=64M gpus=0.5 gpu-type=t4 gpu-mem=1024M",
                new Resources(1, 64, 1, "t4").withGpu(1024L, 500).toString());
    }

    @Test
    void slurmsGresNamesTheTypeAndTheCount() {
        assertArrayEquals(new String[] {null, "1"}, Resources.parseGres("gpu"));
        assertArrayEquals(new String[] {null, "2"}, Resources.parseGres("gpu:2"));
        assertArrayEquals(new String[] {"a100", "1"}, Resources.parseGres("gpu:a100"));
        assertArrayEquals(new String[] {"a100", "0.5"}, Resources.parseGres("gpu:a100:0.5"));
        for (String bad : List.of("mps:2", "gpu:", "gpu:a100:2:3", "")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resources.parseGres(bad));
            assertEquals("gres", e.field());
        }
        assertEquals(List.of("a100", "h100"), new Resources(1, 64, 1, " a100 , h100").gpuTypes());
        assertThrows(InvalidInputException.class, () -> new Resources(1, 64, 1, "a100,,h100"));
        assertThrows(InvalidInputException.class, () -> new Resources(1, 64, 0, null).withGpu(1024L, null));
    }
}
