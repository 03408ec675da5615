package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job arrays from the command line, with no scheduler running: one entry, a folded line, ids ARRAY_TASK. */
class ArrayCommandsTest {
    @TempDir
    Path dir;

    private static List<String> states(TestHome.Outcome statJson) {
        List<String> states = new ArrayList<>();
        statJson.json().forEach(j -> states.add(j.get("state").asText()));
        return states;
    }

    private static List<String> rows(TestHome.Outcome stat) {
        return stat.out().lines().skip(1).map(String::strip).toList();
    }

    @Test
    void anArrayIsOneEntryWhoseTasksShowAsOneLineUntilAskedForEach() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome o = home.run("submit", "--array", "0-4%2", "-J", "sweep", "--", "echo", "hi");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        assertEquals("Submitted batch job 1\n", o.out());
        List<JsonNode> entries = home.tail();
        assertEquals(1, entries.size());
        assertEquals("ArraySubmitted", entries.get(0).get("type").asText());
        assertEquals("0-4%2", entries.get(0).get("event").get("array").asText());

        List<String> folded = rows(home.run("stat"));
        assertEquals(1, folded.size(), folded::toString);
        assertTrue(folded.get(0).startsWith("1_[0-4%2] sweep"), folded.get(0));
        List<String> each = rows(home.run("stat", "-r"));
        assertEquals(List.of("1_0", "1_1", "1_2", "1_3", "1_4"), each.stream().map(l -> l.split(" +")[0]).toList());

        TestHome.Outcome json = home.run("stat", "--json", "1");
        assertEquals(5, json.json().size(), "an array's id names all its tasks");
        JsonNode third = json.json().get(2);
        assertEquals(3, third.get("id").asInt());
        assertEquals(2, third.get("spec").get("array").get("taskId").asInt());
        assertEquals(1, home.run("stat", "--json", "1_2").json().size());
    }

    @Test
    void oneTaskIsAddressedAsArrayUnderscoreIndexAndTheArraysIdAloneIsEveryTask() {
        TestHome home = TestHome.in(dir);
        home.submit("--array", "1,3,5-7", "--", "true");
        TestHome.Outcome held = home.run("hold", "1_5");
        assertEquals(ExitCodes.OK, held.code(), held::toString);
        assertEquals("job 1_5 held\n", held.out());
        assertEquals(List.of("PENDING", "PENDING", "HELD", "PENDING", "PENDING"), states(home.run("stat", "--json", "1")));
        List<String> lines = rows(home.run("stat"));
        assertEquals(List.of("1_[1,3]", "1_5", "1_[6-7]"), lines.stream().map(l -> l.split(" +")[0]).toList(),
                "the held task splits the pending ones");

        assertEquals(ExitCodes.OK, home.run("release", "1").code(), "releases the held task of the array");
        assertEquals("PENDING", home.run("stat", "--json", "1_5").json().get(0).get("state").asText());
        assertEquals(ExitCodes.OK, home.run("del", "1").code());
        assertEquals(List.of("CANCELLED", "CANCELLED", "CANCELLED", "CANCELLED", "CANCELLED"), states(home.run("stat", "--json", "1")));

        TestHome.Outcome again = home.run("del", "1");
        assertEquals(ExitCodes.ILLEGAL_STATE, again.code(), again::toString);
        assertTrue(again.err().contains("array=1 has no task that has not ended"), again.err());
        TestHome.Outcome task = home.run("hold", "1_3");
        assertEquals(ExitCodes.ILLEGAL_STATE, task.code(), task::toString);
        assertTrue(task.err().contains("job=1_3 is CANCELLED"), task.err());
    }

    @Test
    void aDependencyOnAnArraysIdWaitsForAllItsTasksAndArrayTaskForOne() {
        TestHome home = TestHome.in(dir);
        home.submit("--array", "1,3,5-7", "--", "true"); // jobs 1 to 5
        assertEquals(ExitCodes.OK, home.run("submit", "-d", "afterok:1", "--", "true").code()); // 6
        TestHome.Outcome one = home.run("submit", "-d", "afterok:1_5", "--", "true"); // 7
        assertEquals(ExitCodes.OK, one.code(), one::toString);
        JsonNode whole = home.job(6).get("spec");
        assertEquals("[1]", whole.get("afterOk").toString());
        assertFalse(whole.has("afterOkTasks"));
        assertEquals("[3]", home.job(7).get("spec").get("afterOkTasks").toString(), "task 5 is the array's third job");
        assertEquals("Dependency", home.job(6).get("reason").asText());

        for (String bad : List.of("afterok:1_4", "afterok:6_0")) {
            TestHome.Outcome o = home.run("submit", "-d", bad, "--", "true");
            assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertTrue(o.err().contains("invalid dependency=" + bad.substring("afterok:".length())), o.err());
        }
        assertEquals(3, home.tail().size(), "nothing written for the refused ones");

        assertEquals(ExitCodes.OK, home.run("del", "1_6").code());
        assertEquals("CANCELLED", home.job(6).get("state").asText(), "a task that never completes fails the whole-array dependency");
        assertTrue(home.job(6).get("reason").asText().startsWith("DependencyNeverSatisfied: job 4 ended CANCELLED"),
                home.job(6).toString());
        assertEquals("PENDING", home.job(7).get("state").asText(), "it waits on task 5 alone");
    }

    @Test
    void explainNamesTheTaskOfAnArray() {
        TestHome home = TestHome.in(dir);
        home.submit("--array", "0-3", "--", "true");
        TestHome.Outcome o = home.run("explain", "--json", "1_3");
        assertEquals(ExitCodes.OK, o.code(), o::toString);
        assertEquals(4, o.json().get("job").asInt(), o.out());
        assertEquals("1_3", o.json().get("arrayTask").asText(), o.out());
        assertTrue(home.run("explain", "1_3").out().startsWith("job 4 [1_3] ("), "the text names it both ways");
    }

    @Test
    void badArraysAndIdsAreRefusedWithNothingWritten() {
        TestHome home = TestHome.in(dir);
        for (String array : List.of("5-1", "0-10%0", "1,,2", "x")) {
            TestHome.Outcome o = home.run("submit", "--array", array, "--", "true");
            assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertTrue(o.err().contains("invalid array=" + array), o.err());
        }
        TestHome.Outcome withFile = home.run("submit", "--array", "0-3", "--file", "jobs.jsonl");
        assertEquals(ExitCodes.INVALID_INPUT, withFile.code(), withFile::toString);
        assertTrue(withFile.err().contains("give either --file or --array"), withFile.err());
        assertFalse(Files.exists(home.root.resolve("journal")), "nothing written");

        home.submit("--array", "0-3", "--", "true");
        home.submit("--", "true");
        TestHome.Outcome noTask = home.run("del", "1_9");
        assertEquals(ExitCodes.INVALID_INPUT, noTask.code(), noTask::toString);
        assertTrue(noTask.err().contains("array 1 has no task 9; its tasks are 0-3"), noTask.err());
        TestHome.Outcome notArray = home.run("hold", "5_0");
        assertEquals(ExitCodes.INVALID_INPUT, notArray.code(), notArray::toString);
        assertTrue(notArray.err().contains("job 5 is not a job array"), notArray.err());
        TestHome.Outcome badId = home.run("del", "1_x");
        assertEquals(ExitCodes.USAGE, badId.code(), badId::toString);
        assertTrue(badId.err().contains("ARRAY_TASK"), badId.err());
    }

    @Test
    void aScriptsDirectiveMakesItAnArray() throws IOException {
        TestHome home = TestHome.in(dir);
        Path script = home.cwd.resolve("sweep.sh");
        Files.writeString(script, "#!/bin/sh\n#LABQ --array 0-9:3%2 -J sweep\necho $LABQ_ARRAY_TASK_ID\n");
        assertEquals(1, home.submit("sweep.sh"));
        List<JsonNode> entries = home.tail();
        assertEquals("0-9:3%2", entries.get(0).get("event").get("array").asText());
        assertEquals(List.of("1_[0-9:3%2]"), rows(home.run("stat")).stream().map(l -> l.split(" +")[0]).toList());
        Files.writeString(home.cwd.resolve("jobs.jsonl"), "{\"array\": \"0-3\", \"command\": [\"true\"]}\n");
        TestHome.Outcome line = home.run("submit", "--file", "jobs.jsonl");
        assertEquals(ExitCodes.INVALID_INPUT, line.code(), line::toString);
        assertTrue(line.err().contains("a line cannot be an array"), line.err());
    }
}
