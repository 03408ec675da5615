package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.client.JobsReader;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many processes appending submissions to one home at once through {@code LabqClient.direct}, as concurrent
 * CLI invocations do with no scheduler: every acknowledged id is there, once, and ids are unique.
 *
 * <p>8 × 1,000 submissions, the size: about 11 s on a 2-core box (a direct submit folds the journal only
 * when it names dependencies). {@code -Dsubmitters.each=N} changes the size.
 */
@Timeout(300)
class ConcurrentSubmittersIT {
    private static final int PROCESSES = 8;

    @TempDir
    Path home;

    @Test
    void eightProcessesSubmittingAtOnceGetUniqueIdsAndLoseNothing() throws Exception {
        int each = Integer.getInteger("submitters.each", 1000);
        Files.writeString(home.resolve(LabqConfig.FILE_NAME), CrashTrial.CONFIG);
        long started = System.nanoTime();
        List<CrashChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                children.add(CrashChildJvm.start(home, "submit", home.toString(), Integer.toString(each)));
            }
            List<Long> acknowledged = new ArrayList<>();
            for (CrashChildJvm child : children) {
                assertTrue(child.awaitExit(540_000), "child pid=" + child.pid() + " still submitting");
                assertEquals(0, child.exitValue(), "child pid=" + child.pid() + " failed; stderr:\n" + child.stderrText());
                for (String line = child.next(0); line != null && !line.equals(CrashChildJvm.EOF); line = child.next(0)) {
                    if (line.startsWith("ACK ")) {
                        acknowledged.add(Long.parseLong(line.substring(4)));
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("concurrent submitters: %d processes x %d submits in %.1f s%n", PROCESSES, each, seconds);

            assertEquals(PROCESSES * each, acknowledged.size(), "every submit was acknowledged");
            assertEquals(PROCESSES * each, new HashSet<>(acknowledged).size(), "no id was handed out twice");
            JobTable table = JobsReader.fold(LabqHome.of(home));
            assertEquals(PROCESSES * each, table.size(), "the journal holds exactly the submissions");
            Set<Long> present = new HashSet<>();
            table.all().forEach(j -> present.add(j.id().value()));
            assertTrue(present.containsAll(acknowledged), "every acknowledged id is in the journal");
        } finally {
            for (CrashChildJvm child : children) {
                child.close();
            }
        }
    }
}
