package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code labq submit --file JOBS.jsonl}: many jobs in one journal entry, all or none, each line as `submit` reads it. */
class SubmitFileTest {
    @TempDir
    Path dir;

    @Test
    void everyLineIsAJobOfOneEntryWithTheCommandLineOptionsAsDefaults() throws IOException {
        TestHome home = TestHome.in(dir);
        assertEquals(1, home.submit("--", "true"));
        Files.writeString(dir.resolve("work/jobs.jsonl"), """
                {"name": "prep", "command": ["python", "prep.py"], "time": "10:00"}

                {"name": "train", "cpus": 1, "mem": "512M", "env": {"LR": "0.1"}, "dependency": "afterok:1", "command": ["python", "train.py"]}
                {"name": "report", "wrap": "echo done", "hold": true, "nice": 10}
                """);
        TestHome.Outcome o = home.run("submit", "--cpus", "2", "--file", "jobs.jsonl", "--parsable");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        assertEquals(List.of("2", "3", "4"), o.out().lines().toList());
        List<JsonNode> entries = home.tail();
        assertEquals(2, entries.size(), "the first job, then one entry for the file");
        assertEquals("JobsSubmitted", entries.get(1).get("type").asText());
        JsonNode prep = home.job(2).get("spec");
        assertEquals("prep", prep.get("name").asText());
        assertEquals(2, prep.get("resources").get("cpus").asInt(), "the command line's --cpus is the default");
        assertEquals(600, prep.get("timeLimitSeconds").asInt());
        JsonNode train = home.job(3).get("spec");
        assertEquals(1, train.get("resources").get("cpus").asInt(), "a line's own value wins");
        assertEquals("0.1", train.get("env").get("LR").asText());
        assertEquals(1, train.get("afterOk").get(0).asInt());
        assertEquals("HELD", home.job(4).get("state").asText());
        assertTrue(home.job(4).get("spec").get("shell").asBoolean());
    }

    @Test
    void aBadLineRefusesTheWholeFileNamingItsLine() throws IOException {
        TestHome home = TestHome.in(dir);
        Files.writeString(dir.resolve("work/jobs.jsonl"), """
                {"command": ["true"]}
                {"command": ["true"], "cpuz": 2}
                """);
        TestHome.Outcome o = home.run("submit", "--file", "jobs.jsonl");
        assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("jobs.jsonl line 2") && o.err().contains("--cpuz"), o.err());
        assertFalse(Files.exists(home.root.resolve("journal")), "nothing written");

        Files.writeString(dir.resolve("work/big.jsonl"), "{\"command\": [\"true\"]}\n{\"command\": [\"true\"], \"cpus\": 64}\n");
        TestHome.Outcome tooBig = home.run("submit", "--file", "big.jsonl");
        assertEquals(ExitCodes.INVALID_INPUT, tooBig.code(), tooBig::toString);
        assertTrue(tooBig.err().contains("job 2: cpus"), tooBig.err());
        assertFalse(Files.exists(home.root.resolve("journal")), "nothing written");

        for (String[] bad : List.of(new String[]{"submit", "--file", "jobs.jsonl", "--", "true"},
                new String[]{"submit", "--file", "missing.jsonl"})) {
            TestHome.Outcome r = home.run(bad);
            assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
        }
        Files.writeString(dir.resolve("work/notjson.jsonl"), "cpus: 2\n");
        TestHome.Outcome notJson = home.run("submit", "--file", "notjson.jsonl");
        assertEquals(ExitCodes.INVALID_INPUT, notJson.code(), notJson::toString);
        assertTrue(notJson.err().contains("line 1") && notJson.err().contains("not JSON"), notJson.err());
        Files.writeString(dir.resolve("work/empty.jsonl"), "\n\n");
        assertEquals(ExitCodes.INVALID_INPUT, home.run("submit", "--file", "empty.jsonl").code());
        assertFalse(Files.exists(home.root.resolve("journal")), "nothing written");
    }
}
