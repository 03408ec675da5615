package dev.labq.bench.sim;

import dev.labq.bench.UsageException;
import dev.labq.bench.sim.ClusterPlacement.Node;
import dev.labq.bench.sim.ClusterPlacement.Rule;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterPlacementTest {
    /** Node a: 8 GPUs (ids 0-7); node b: 2 T4s (ids 8-9). */
    private static final List<Node> NODES = List.of(
            new Node("a", 32, 1024, 0, 8, "G2"),
            new Node("b", 16, 1024, 8, 2, "T4"));

    private static Resources gpus(int n, String type) {
        return new Resources(1, 0, n, type);
    }

    @Test
    void bestFitFillsTheFullerNodeAndKeepsWholeNodesForBigJobs() {
        ClusterPlacement best = new ClusterPlacement(NODES, Rule.BEST_FIT);
        assertEquals(List.of(8), best.tryReserve(gpus(1, null)).gpuIds(), "node b is left with fewer free GPUs");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), best.tryReserve(gpus(8, null)).gpuIds(), "node a is still whole");
        ClusterPlacement first = new ClusterPlacement(NODES, Rule.FIRST_FIT);
        assertEquals(List.of(0), first.tryReserve(gpus(1, null)).gpuIds());
        assertNull(first.tryReserve(gpus(8, null)), "first fit broke the only 8-GPU node");
    }

    @Test
    void typedRequestsGoToTheirModelAndCpuOnlyJobsStrandTheFewestGpus() {
        ClusterPlacement cluster = new ClusterPlacement(NODES, Rule.BEST_FIT);
        assertEquals(List.of(8, 9), cluster.tryReserve(gpus(2, "T4")).gpuIds());
        assertNull(cluster.tryReserve(gpus(1, "T4")));
        Allocation cpuOnly = cluster.tryReserve(new Resources(8, 0, 0, null));
        assertTrue(cpuOnly.gpuIds().isEmpty());
        assertEquals(32 + 16 - 1 - 8, cluster.freeCpus());
        assertEquals(8, cluster.freeGpus(), "node b, whose GPUs were taken, got the CPU job");
        cluster.release(cpuOnly);
        assertEquals(47, cluster.freeCpus());
        assertThrows(IllegalArgumentException.class, () -> cluster.release(cpuOnly));
    }

    @Test
    void reservesRestoredAllocationsOnTheirNodeAndKnowsWhatCouldEverFit() {
        ClusterPlacement cluster = new ClusterPlacement(NODES, Rule.FIRST_FIT);
        cluster.reserve(new Allocation(1, 0, List.of(9)));
        assertFalse(cluster.isGpuFree(9));
        assertEquals(15, cluster.freeCpus() - 32);
        cluster.reserve(new Allocation(30, 0, List.of()));
        assertEquals(2, cluster.freeCpus() - 15);
        assertThrows(IllegalArgumentException.class, () -> cluster.reserve(new Allocation(64, 0, List.of())));
        assertTrue(cluster.couldEverFit(gpus(8, "G2")));
        assertFalse(cluster.couldEverFit(gpus(4, "T4")));
        assertFalse(cluster.couldEverFit(new Resources(64, 0, 0, null)));
        assertEquals(48, cluster.inventory().cpus());
        assertEquals(10, cluster.inventory().gpus().size());
        assertEquals(2048, cluster.freeMemoryMb());
    }

    @Test
    void fillMeasuresGpusAllocatedAtTheFirstRefusal() {
        List<TraceJob> jobs = List.of(
                job(1, gpus(1, null)), job(2, gpus(8, null)), job(3, gpus(1, null)), job(4, gpus(1, null)));
        ClusterFill best = ClusterFill.run(NODES, Rule.BEST_FIT, jobs);
        assertEquals(1.0, best.allocatedAtFirstRefusal(), 1e-9, "only the last job is refused, all 10 GPUs in use");
        assertEquals(3, best.placedBeforeRefusal());
        assertEquals(1, best.refused());
        ClusterFill first = ClusterFill.run(NODES, Rule.FIRST_FIT, jobs);
        assertEquals(0.1, first.allocatedAtFirstRefusal(), 1e-9, "the 8-GPU job is refused after one GPU");
        assertEquals(1, first.placedBeforeRefusal());
        assertEquals(0.3, first.allocatedAtEnd(), 1e-9);
        assertEquals(1, first.refused());
    }

    private static TraceJob job(long id, Resources request) {
        return new TraceJob(id, 0, 10, request, 10L, "pods", "LS", null, null, List.of(), 0);
    }

    @Test
    void readsTheAlibabaLayout(@TempDir Path dir) throws IOException {
        Path nodes = Files.writeString(dir.resolve("nodes.csv"), """
                sn,cpu_milli,memory_mib,gpu,model
                n0,64000,262144,2,P100
                n1,96000,393216,8,G2
                """);
        Path pods = Files.writeString(dir.resolve("pods.csv"), """
                name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
                p0,12000,16384,1,1000,,LS,Running,0,1000,10
                p1,6500,12288,1,460,P100,BE,Running,100,500,100
                p2,1000,1024,0,0,,BE,Pending,200,900,
                p3,500,1024,2,1000,V100M16|V100M32,LS,Running,300,400,300
                """);
        AlibabaGpuTrace trace = AlibabaGpuTrace.read(nodes, pods, 100);
        assertEquals(List.of(new Node("n0", 64, 262144, 0, 2, "P100"), new Node("n1", 96, 393216, 2, 8, "G2")), trace.nodes());
        assertEquals(3, trace.jobs().size());
        assertEquals(1, trace.neverScheduled());
        TraceJob p0 = trace.jobs().get(0);
        assertEquals(990, p0.runSeconds());
        assertEquals(10, p0.recordedWaitSeconds());
        assertEquals(new Resources(12, 16384, 1, null), p0.request());
        assertEquals(new Resources(7, 12288, 1, "P100"), trace.jobs().get(1).request(), "CPUs round up; part of a GPU is a whole one");
        assertEquals(List.of(1000, 460, 2000), trace.gpuMilli());
        assertNull(trace.jobs().get(2).request().gpuType(), "several models: any");
        assertEquals("BE", trace.jobs().get(1).project());
        assertEquals(1, AlibabaGpuTrace.read(nodes, pods, 1).jobs().size());

        Path broken = Files.writeString(dir.resolve("broken.csv"), "sn,cpu_milli\nn0,1\n");
        UsageException e = assertThrows(UsageException.class, () -> AlibabaGpuTrace.read(broken, pods, 10));
        assertTrue(e.getMessage().contains("no column memory_mib"), e.getMessage());
        assertThrows(UsageException.class, () -> AlibabaGpuTrace.read(dir.resolve("none.csv"), pods, 10));
    }
}
