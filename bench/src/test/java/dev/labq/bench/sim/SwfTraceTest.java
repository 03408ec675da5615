package dev.labq.bench.sim;

import dev.labq.bench.UsageException;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwfTraceTest {
    private static final String TRACE = """
            ; Version: 2.2
            ; MaxProcs: 100
            ;
                1   1000   50   300   4  -1 -1   4   600  -1 1 12 12 -1 -1 -1 -1 -1
                2   1060    0   900   8  -1 -1  -1   600  -1 1 13 14 -1 -1 -1 -1 -1
                3   1100    0    -1   8  -1 -1   8   600  -1 5 13 14 -1 -1 -1 -1 -1
                4   1200    0    10 128  -1 -1 128    60  -1 1 13 14 -1 -1 -1 -1 -1
                5   1300    5    10   2  -1 -1   2    -1  -1 1 13 14 -1 -1 -1 -1 -1
            """;

    private static SwfTrace parse(String text, int limit) throws IOException {
        return SwfTrace.parse("t.swf", new BufferedReader(new StringReader(text)), limit);
    }

    private static SwfTrace parse(String text, int limit, SwfTrace.Estimate estimate) throws IOException {
        return SwfTrace.parse("t.swf", new BufferedReader(new StringReader(text)), limit, estimate);
    }

    @Test
    void readsJobsRelativeToTheFirstSubmitAndSkipsWhatCannotBeReplayed() throws IOException {
        SwfTrace trace = parse(TRACE, Integer.MAX_VALUE);
        assertEquals(100, trace.cpus());
        assertEquals(SwfTrace.MachineSize.MAX_PROCS, trace.sizedBy());
        assertEquals(3, trace.jobs().size());
        assertEquals(1, trace.skipped(), "no run time");
        assertEquals(1, trace.tooLarge(), "more processors than the machine");
        assertEquals(1, trace.noRequestedTime());
        assertEquals(1, trace.overran(), "job 2 ran 900 s of 600 requested");
        assertEquals(3, trace.recordedWaits());
        TraceJob first = trace.jobs().get(0);
        assertEquals(0, first.submitSeconds());
        assertEquals(300, first.runSeconds());
        assertEquals(4, first.request().cpus());
        assertEquals(600L, first.limitSeconds());
        assertEquals(50, first.recordedWaitSeconds());
        assertEquals("u12", first.user());
        assertEquals("g12", first.project());
        TraceJob second = trace.jobs().get(1);
        assertEquals(60, second.submitSeconds());
        assertEquals(8, second.request().cpus(), "allocated processors when none were requested");
        assertEquals(900L, second.limitSeconds(), "a job that ran past its request keeps its run time as limit");
        assertNull(trace.jobs().get(2).limitSeconds(), "no requested time");
        assertEquals(3, trace.jobs().get(2).id(), "ids are consecutive after skips");
    }

    @Test
    void keepsTheFirstJobsOnly() throws IOException {
        assertEquals(1, parse(TRACE, 1).jobs().size());
    }

    /** A 6-processor job, and one of 300 processors. */
    private static final String JOBS = """
                1   0   0  10    6 -1 -1    6  60 -1 1 1 1 -1 -1 -1 -1 -1
                2   5   0  10  300 -1 -1  300  60 -1 1 1 1 -1 -1 -1 -1 -1
            """;

    @Test
    void maxProcsSizesTheMachineEvenWhenMaxNodesIsThereToo() throws IOException {
        for (String header : List.of("; MaxNodes: 50\n; MaxProcs: 400\n", "; MaxProcs: 400\n; MaxNodes: 50\n")) {
            SwfTrace trace = parse(header + JOBS, 10);
            assertEquals(400, trace.cpus(), header);
            assertEquals(SwfTrace.MachineSize.MAX_PROCS, trace.sizedBy(), header);
            assertEquals(2, trace.jobs().size(), "the 300-processor job fits in 400, whatever MaxNodes says");
        }
    }

    @Test
    void maxNodesSizesTheMachineWithoutMaxProcs() throws IOException {
        SwfTrace trace = parse("; Computer: test\n;   MaxNodes:  50 \n" + JOBS, 10);
        assertEquals(50, trace.cpus());
        assertEquals(SwfTrace.MachineSize.MAX_NODES, trace.sizedBy());
        assertEquals(1, trace.jobs().size());
        assertEquals(1, trace.tooLarge(), "300 processors on 50");
        assertEquals(0, trace.skipped());
    }

    @Test
    void withoutMaxProcsOrMaxNodesTheLargestJobSizesTheMachine() throws IOException {
        SwfTrace trace = parse("; MaxJobs: 2\n" + JOBS, 10);
        assertEquals(300, trace.cpus());
        assertEquals(SwfTrace.MachineSize.LARGEST_JOB, trace.sizedBy());
        assertEquals(2, trace.jobs().size());
    }

    @Test
    void aHeaderSizeThatIsNotANumberIsAUsageErrorNamingIt() {
        UsageException e = assertThrows(UsageException.class, () -> parse("; MaxProcs: many\n" + JOBS, 10));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("MaxProcs: many"), e.getMessage());
    }

    /** What many archive traces look like: no recorded wait (field 3) and no requested time (field 9). */
    private static final String NO_WAITS_NO_REQUESTS = """
            ; MaxProcs: 4
                1   0  -1  100  3 -1 -1  3  -1 -1 1 1 1 -1 -1 -1 -1 -1
                2  10  -1  100  4 -1 -1  4  -1 -1 1 1 1 -1 -1 -1 -1 -1
                3  20  -1    0  1 -1 -1  1  -1 -1 1 1 1 -1 -1 -1 -1 -1
            """;

    @Test
    void countsJobsWithoutRecordedWaitsOrRequestedTimes() throws IOException {
        SwfTrace trace = parse(NO_WAITS_NO_REQUESTS, 10);
        assertEquals(3, trace.jobs().size());
        assertEquals(0, trace.recordedWaits());
        assertEquals(3, trace.noRequestedTime());
        assertEquals(SwfTrace.Estimate.REQUESTED, trace.estimate());
        trace.jobs().forEach(job -> {
            assertNull(job.limitSeconds(), "no requested time, no limit");
            assertEquals(-1, job.recordedWaitSeconds());
        });
        assertTrue(Metrics.recorded(trace.jobs()).isEmpty(), "no production schedule to measure");
    }

    @Test
    void runtimeEstimateTakesTheRunTimeAsLimitForEveryJob() throws IOException {
        SwfTrace trace = parse(NO_WAITS_NO_REQUESTS, 10, SwfTrace.Estimate.RUNTIME);
        assertEquals(List.of(100L, 100L, 1L), trace.jobs().stream().map(TraceJob::limitSeconds).toList(),
                "a job that ran 0 s gets 1 s: labq refuses a limit of 0");
        assertEquals(3, trace.noRequestedTime(), "still counted");
        SwfTrace requested = parse(TRACE, 10, SwfTrace.Estimate.RUNTIME);
        assertEquals(300L, requested.jobs().get(0).limitSeconds(), "the run time, not the 600 s requested");
    }

    @Test
    void runtimeEstimateLetsEasyBackfillWhereRequestedTimesAreMissing() throws IOException {
        SwfTrace none = parse(NO_WAITS_NO_REQUESTS, 10);
        SwfTrace exact = parse(NO_WAITS_NO_REQUESTS, 10, SwfTrace.Estimate.RUNTIME);
        assertEquals(200, easyStart(none, 3), "no limits: job 3 waits behind job 2, as under FCFS");
        assertEquals(20, easyStart(exact, 3), "job 3 fits before job 2's reserved start at 100 s");
    }

    private static long easyStart(SwfTrace trace, long id) {
        Workload workload = Workload.onMachine("t", new MachineInventory(trace.cpus(), 1024, List.of()), Workload.Unit.CPUS,
                new LabqConfig(null, Map.of("g1", new LabqConfig.Project(10)), new LabqConfig.Settings(null, null, "g1")),
                trace.jobs());
        return Simulator.run(workload, SchedulingPolicy.EASY).outcomes().stream()
                .filter(o -> o.job().id() == id).findFirst().orElseThrow().startSeconds();
    }

    @Test
    void shortLineIsAUsageErrorNamingIt() {
        UsageException e = assertThrows(UsageException.class, () -> parse("1 0 0 10\n", 10));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("4 fields"), e.getMessage());
    }

    @Test
    void readsGzippedFilesAndRefusesMissingOnes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.swf.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(TRACE.getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(3, SwfTrace.read(file, 100).jobs().size());
        assertThrows(UsageException.class, () -> SwfTrace.read(dir.resolve("none.swf"), 100));
    }
}
