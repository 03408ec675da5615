package dev.labq.bench.sim;

import dev.labq.bench.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void readsJobsRelativeToTheFirstSubmitAndSkipsWhatCannotBeReplayed() throws IOException {
        SwfTrace trace = parse(TRACE, Integer.MAX_VALUE);
        assertEquals(100, trace.maxProcs());
        assertEquals(3, trace.jobs().size());
        assertEquals(2, trace.skipped(), "no run time; more processors than the machine");
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

    @Test
    void withoutMaxProcsTheLargestJobSizesTheMachine() throws IOException {
        SwfTrace trace = parse("1 0 0 10 6 -1 -1 6 60 -1 1 1 1 -1 -1 -1 -1 -1\n", 10);
        assertEquals(6, trace.maxProcs());
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
