package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `submit --export`: which of the submitter's variables the job gets, as sbatch's --export, as journaled. */
class ExportTest {
    @TempDir
    Path dir;

    private static List<String> names(JsonNode spec) {
        List<String> out = new ArrayList<>();
        spec.get("env").fieldNames().forEachRemaining(out::add);
        out.sort(null);
        return out;
    }

    private JsonNode submitted(TestHome home, String... args) {
        Map<String, String> env = Map.of("LABQ_HOME", home.root.toString(), "PATH", "/opt/venv/bin:/usr/bin",
                "VIRTUAL_ENV", "/opt/venv", "PYTHONPATH", "/src", "HOME", "/home/ana", "LABQ_JOB_ID", "7",
                "CUDA_VISIBLE_DEVICES", "GPU-x");
        TestHome.Outcome o = home.runWithEnv(env, args);
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        List<JsonNode> journal = home.tail();
        return journal.get(journal.size() - 1).get("event").get("spec");
    }

    @Test
    void allIsTheSubmittersEnvironmentWithoutTheJobContextItWasSubmittedFrom() {
        TestHome home = TestHome.in(dir);
        JsonNode spec = submitted(home, "submit", "--", "true");
        assertEquals(List.of("HOME", "LABQ_HOME", "PATH", "PYTHONPATH", "VIRTUAL_ENV"), names(spec),
                "a job submitted from inside a job does not inherit its id or its GPUs");
        assertTrue(spec.get("fullEnv").asBoolean());
        assertEquals("/opt/venv/bin:/usr/bin", spec.get("env").get("PATH").asText());
    }

    @Test
    void noneKeepsOnlyPathAndWhoTheUserIsAndAListNamesWhatElse() {
        TestHome home = TestHome.in(dir);
        assertEquals(List.of("A", "HOME", "PATH"), names(submitted(home, "submit", "--export", "NONE", "--env", "A=1", "--", "true")));
        JsonNode listed = submitted(home, "submit", "--export", "PYTHONPATH,MODE=fast,UNSET", "--", "true");
        assertEquals(List.of("HOME", "MODE", "PATH", "PYTHONPATH"), names(listed), "an unset name adds nothing");
        assertEquals("fast", listed.get("env").get("MODE").asText());
        assertEquals(List.of("HOME", "LABQ_HOME", "MODE", "PATH", "PYTHONPATH", "VIRTUAL_ENV"),
                names(submitted(home, "submit", "--export", "ALL,MODE=fast", "--", "true")));
    }
}
