package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `labq gpus`, `drain` and `resume` with no scheduler running, on listed and on recorded (discovered) GPUs. */
class GpuCommandsTest {
    @TempDir
    Path dir;

    @Test
    void theListedGpusDrainedAndResumedThroughTheJournal() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome table = home.run("gpus");
        assertEquals(ExitCodes.OK, table.code(), table::toString);
        assertTrue(table.out().startsWith("GPU  TYPE"), table.out());
        assertTrue(table.out().contains("0    a100"), table.out());
        TestHome.Outcome drained = home.run("drain", "gpu:1", "--reason", "fan noise");
        assertEquals("gpu 1 drained: fan noise\n", drained.out(), drained::toString);
        JsonNode gpus = home.run("gpus", "--json").json();
        assertEquals("idle", gpus.get(0).get("state").asText());
        assertEquals("drained", gpus.get(1).get("state").asText());
        assertEquals("fan noise", gpus.get(1).get("reason").asText());
        assertEquals("labq.yaml", gpus.get(1).get("source").asText());
        assertEquals(ExitCodes.OK, home.run("resume", "1").code(), "a bare id is a GPU id too");
        assertEquals("idle", home.run("nodes", "--json").json().get(1).get("state").asText());
        assertEquals("GpuDrained", home.tail().get(0).get("type").asText());
        assertEquals("GpuResumed", home.tail().get(1).get("type").asText());
    }

    @Test
    void discoveredGpusAreListedWithTheirDriverNamesAndMigInstances() throws IOException {
        TestHome home = TestHome.in(dir);
        Path recorded = Path.of("").toAbsolutePath().getParent().resolve("config/nvidia-smi/a100-mig");
        Files.writeString(home.root.resolve("labq.yaml"), TestHome.CONFIG.replace("machine:\n",
                "machine:\n  discover: recorded:" + recorded + "\n"));
        JsonNode gpus = home.run("gpus", "--json").json();
        assertEquals(5, gpus.size(), gpus::toString);
        assertEquals("t4", gpus.get(0).get("type").asText(), "listed as t4, discovered as Tesla T4: the same");
        assertEquals("a100-3g.20gb", gpus.get(1).get("type").asText());
        assertTrue(gpus.get(1).get("uuid").asText().startsWith("MIG-"));
        assertTrue(home.run("gpus").out().contains("NVIDIA A100-PCIE-40GB MIG 1g.5gb"));
    }

    @Test
    void aMachineWithoutGpusSaysSo() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(home.root.resolve("labq.yaml"), "machine: { cpus: 1, memory: 1G, discover: \"off\" }\n"
                + "projects: { default: { importance: 1 } }\n");
        assertEquals("no GPU: none discovered (machine.discover) and none listed in labq.yaml\n", home.run("gpus").out());
        assertEquals("[ ]", home.run("gpus", "--json").out().strip());
        TestHome.Outcome refused = home.run("drain", "gpu:0", "--reason", "x");
        assertEquals(ExitCodes.INVALID_INPUT, refused.code());
        assertEquals("labq drain: invalid device=gpu:0: this machine has no GPU\n", refused.err());
    }
}
