package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPU jobs on a real scheduler whose GPUs are discovered from nvidia-smi output recorded on a MIG-partitioned A100:
 * each job sees its own device by UUID, two run at once on two devices, a drained one gets no new job.
 */
@Timeout(120)
class GpuIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    private static boolean ended(JsonNode job) {
        return List.of("COMPLETED", "FAILED", "CANCELLED").contains(job.get("state").asText());
    }

    @Test
    void twoOneGpuJobsRunAtOnceOnTheirOwnDevicesAndADrainedDeviceTakesNoNewJob() throws IOException {
        TestHome home = TestHome.in(dir);
        Path recorded = Path.of("").toAbsolutePath().getParent().resolve("config/nvidia-smi/a100-mig");
        Files.writeString(home.root.resolve("labq.yaml"), TestHome.CONFIG.replace("machine:\n",
                "machine:\n  discover: recorded:" + recorded + "\n"));
        served.start(home);
        String job = "echo \"$CUDA_VISIBLE_DEVICES $LABQ_GPUS $(date +%s%N)\"; sleep 1; date +%s%N";
        assertEquals(1, home.submit("--gpus", "1", "--gpu-type", "a100-1g.5gb", "--wrap", job));
        assertEquals(2, home.submit("--gpus", "1", "--gpu-type", "a100-1g.5gb", "--wrap", job));
        home.awaitJob(1, GpuIT::ended, LIMIT);
        home.awaitJob(2, GpuIT::ended, LIMIT);
        String[] one = Files.readAllLines(home.root.resolve("logs/1.out")).get(0).split(" ");
        String[] two = Files.readAllLines(home.root.resolve("logs/2.out")).get(0).split(" ");
        assertTrue(one[0].startsWith("MIG-") && two[0].startsWith("MIG-"), one[0] + " " + two[0]);
        assertNotEquals(one[0], two[0], "each on its own instance");
        assertEquals(List.of("4", "5"), List.of(one[1], two[1]).stream().sorted().toList());
        long oneEnd = Long.parseLong(Files.readAllLines(home.root.resolve("logs/1.out")).get(1));
        long twoEnd = Long.parseLong(Files.readAllLines(home.root.resolve("logs/2.out")).get(1));
        assertTrue(Long.parseLong(two[2]) < oneEnd && Long.parseLong(one[2]) < twoEnd, "at the same time");

        assertEquals(ExitCodes.OK, home.run("drain", "gpu:4", "--reason", "ECC errors").code());
        assertEquals(ExitCodes.OK, home.run("drain", "gpu:5", "--reason", "ECC errors").code());
        assertEquals(3, home.submit("--gpus", "1", "--gpu-type", "a100-1g.5gb", "--wrap", job));
        TestHome.pause(300);
        assertEquals("PENDING", home.job(3).get("state").asText(), "both instances drained");
        assertEquals(ExitCodes.OK, home.run("resume", "gpu:5").code());
        home.awaitJob(3, GpuIT::ended, LIMIT);
        assertTrue(Files.readAllLines(home.root.resolve("logs/3.out")).get(0).split(" ")[1].equals("5"));
        JsonNode gpus = home.run("gpus", "--json").json();
        assertEquals("drained", gpus.get(3).get("state").asText(), gpus::toString);
        assertEquals("ECC errors", gpus.get(3).get("reason").asText());
    }

    @Test
    void twoHalvesShareOneGpuWhileAWholeJobOfItsTypeWaitsThenRuns() throws IOException {
        TestHome home = TestHome.in(dir); // one a100 and one t4, listed
        served.start(home);
        String job = "echo \"$CUDA_VISIBLE_DEVICES $LABQ_GPU_SHARE\"; sleep 1.5";
        assertEquals(1, home.submit("--gpus", "0.5", "--gpu-type", "t4", "--wrap", job));
        assertEquals(2, home.submit("--gres", "gpu:t4:0.5", "--wrap", job));
        assertEquals(3, home.submit("--gpus", "1", "--gpu-type", "t4", "--wrap", job));
        home.awaitJob(2, j -> j.get("state").asText().equals("RUNNING"), LIMIT);
        assertEquals("RUNNING", home.job(1).get("state").asText());
        assertEquals("PENDING", home.job(3).get("state").asText(), "the t4 is shared out");
        home.awaitJob(3, GpuIT::ended, LIMIT);
        assertEquals("1 0.5", Files.readAllLines(home.root.resolve("logs/1.out")).get(0));
        assertEquals("1 0.5", Files.readAllLines(home.root.resolve("logs/2.out")).get(0), "the same device for both");
        assertEquals("1 1", Files.readAllLines(home.root.resolve("logs/3.out")).get(0));
        long endOfHalves = Math.max(home.job(1).get("endMillis").asLong(), home.job(2).get("endMillis").asLong());
        assertTrue(home.job(3).get("startMillis").asLong() >= endOfHalves - 50, "after the halves");
    }
}
