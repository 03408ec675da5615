package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job whose processes hold more memory than it asked for is killed, FAILED with reason OutOfMemory. */
@Timeout(90)
class MemoryLimitIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    private static boolean ended(JsonNode job) {
        return List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(job.get("state").asText());
    }

    @Test
    void aJobAskingFor100MThatTakes600MIsKilledWithinFifteenSecondsAndOneWithinItsRequestIsNot() {
        TestHome home = TestHome.in(dir);
        served.start(home);
        // the memory is written, so it is resident; the child process counts too (the tree is measured)
        String hog = "python3 -c \"import time; b = b'x' * (600 << 20); time.sleep(60)\"";
        String modest = "python3 -c \"import time; b = b'x' * (50 << 20); time.sleep(7)\"";
        assertEquals(1, home.submit("--mem", "100M", "--wrap", hog));
        assertEquals(2, home.submit("--mem", "200M", "--wrap", modest));
        long started = System.nanoTime();
        JsonNode killed = home.awaitJob(1, MemoryLimitIT::ended, Duration.ofSeconds(30));
        assertTrue(System.nanoTime() - started < 15_000_000_000L, "within 15 s");
        assertEquals("FAILED", killed.get("state").asText(), killed::toString);
        assertTrue(killed.get("reason").asText().startsWith("OutOfMemory: "), killed::toString);
        assertTrue(killed.get("reason").asText().contains("--mem 100M (+10% allowed)"), killed::toString);
        JsonNode fine = home.awaitJob(2, MemoryLimitIT::ended, Duration.ofSeconds(30));
        assertEquals("COMPLETED", fine.get("state").asText(), fine::toString);
    }
}
