package dev.labq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job runs in the submitter's environment (a virtualenv's PATH, PYTHONPATH), not in the scheduler's. */
@Timeout(60)
class EnvironmentIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    @Test
    void theJobSeesTheSubmittersVariablesAndNoneOfTheSchedulersOwn() throws IOException {
        TestHome home = TestHome.in(dir);
        served.start(home);
        assertTrue(System.getenv().containsKey("HOME"), "the scheduler's process has a HOME");
        Map<String, String> submitter = Map.of("LABQ_HOME", home.root.toString(), "PATH", System.getenv("PATH"),
                "PYTHONPATH", "/src/project");
        assertEquals(ExitCodes.OK, home.runWithEnv(submitter, "submit", "--", "env").code());
        assertEquals(ExitCodes.OK, home.runWithEnv(submitter, "submit", "--export", "NONE", "--", "env").code());
        home.awaitJob(1, j -> j.get("state").asText().equals("COMPLETED"), Duration.ofSeconds(30));
        home.awaitJob(2, j -> j.get("state").asText().equals("COMPLETED"), Duration.ofSeconds(30));
        List<String> all = Files.readAllLines(home.root.resolve("logs/1.out"));
        assertTrue(all.contains("PYTHONPATH=/src/project"), all::toString);
        assertFalse(all.stream().anyMatch(l -> l.startsWith("HOME=")), "the scheduler's HOME is not the job's: " + all);
        assertTrue(all.contains("LABQ_JOB_ID=1"), "labq's own variables are added");
        List<String> none = Files.readAllLines(home.root.resolve("logs/2.out"));
        assertFalse(none.stream().anyMatch(l -> l.startsWith("PYTHONPATH=")), none::toString);
        assertTrue(none.stream().anyMatch(l -> l.startsWith("PATH=")));
    }
}
