package dev.labq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trace-gpu on small crafted CSVs: a pod list without a known production wait has no production row. */
class TraceGpuBenchTest {
    private static final String NODES = """
            sn,cpu_milli,memory_mib,gpu,model
            n0,64000,262144,2,P100
            """;
    private static final String HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(String pods) throws IOException {
        Path nodes = Files.writeString(dir.resolve("nodes.csv"), NODES);
        Path podsFile = Files.writeString(dir.resolve("pods.csv"), HEADER + pods);
        return BenchMain.run(List.of("trace-gpu", "--nodes", nodes.toString(), "--pods", podsFile.toString(),
                        "--out", dir.resolve("out").toString()),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    @Test
    void podsWithoutAKnownWaitHaveNoProductionRowInsteadOfACrash() throws IOException {
        // both scheduled before their creation time: the CSV's clocks disagree, the wait is unknown
        assertEquals(BenchMain.OK, run("""
                p0,4000,1024,1,1000,,LS,Running,100,1000,50
                p1,4000,1024,1,1000,,BE,Running,200,900,150
                """), stderr::toString);
        assertTrue(output().contains("production: n/a, no pod has a known wait"), output());
        assertFalse(output().contains("RESULT gpu.production."), output());
        assertTrue(output().contains("RESULT gpu.easy.avg_wait_s "), output());
        assertTrue(output().contains("RESULT gpu.labq.avg_bounded_slowdown.ratio "), output());
    }

    @Test
    void someUnknownWaitsAreSaidAndTheProductionRowCoversTheRest() throws IOException {
        assertEquals(BenchMain.OK, run("""
                p0,4000,1024,1,1000,,LS,Running,100,1000,130
                p1,4000,1024,1,1000,,BE,Running,200,900,150
                """), stderr::toString);
        assertTrue(output().contains("production: recorded waits for 1 of 2 pods"), output());
        assertTrue(output().contains("RESULT gpu.production.avg_wait_s 30.000000 s"), output());
    }

    @Test
    void aPodListWithNothingToReplayIsAUsageError() throws IOException {
        assertEquals(BenchMain.USAGE, run("p0,4000,1024,1,1000,,LS,Pending,100,,\n"));
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("no pod to replay (1 never scheduled"), stderr::toString);
    }
}
