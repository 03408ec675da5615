package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.store.Views;
import dev.labq.store.lock.ExclusiveFileLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands with no scheduler running: they read and append to the journal themselves. */
@Timeout(60)
class OfflineCommandsTest {
    @TempDir
    Path dir;

    private TestHome home;

    @BeforeEach
    void setUp() {
        home = TestHome.in(dir);
    }

    @Test
    void submitWithoutSchedulerJournalsTheJobAndSaysItWaits() {
        TestHome.Outcome o = home.run("submit", "--", "true");
        assertEquals(0, o.code(), o::toString);
        assertEquals("Submitted batch job 1\n", o.out());
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("no scheduler is running on " + home.root), o::toString);
        assertTrue(o.err().contains("labq serve"), o::toString);
        assertNotNull(home.journalLastIndex());

        TestHome.Outcome second = home.run("submit", "--", "true");
        assertEquals("Submitted batch job 2\n", second.out(), "ids increase");
    }

    @Test
    void parsablePrintsOnlyTheIdAndNoNote() {
        TestHome.Outcome o = home.run("submit", "--parsable", "--", "true");
        assertEquals(0, o.code(), o::toString);
        assertEquals("1\n", o.out());
        assertEquals("", o.err());
    }

    @Test
    void statShowsPendingJobWithReasonNoScheduler() {
        home.submit("-J", "train", "-A", "research", "--", "true");
        TestHome.Outcome o = home.run("stat");
        assertEquals(0, o.code(), o::toString);
        List<String> lines = o.out().lines().toList();
        assertEquals(2, lines.size(), o::toString);
        assertEquals(List.of("JOBID", "NAME", "PROJECT", "USER", "STATE", "TIME", "REASON"), List.of(lines.get(0).trim().split("\\s+")));
        assertEquals(List.of("1", "train", "research", "ana", "PENDING", "0:00", "NoScheduler"), List.of(lines.get(1).trim().split("\\s+")));
        assertEquals("", o.err());
    }

    @Test
    void dependentJobWaitsWithReasonDependency() {
        long parent = home.submit("--", "true");
        long child = home.submit("-d", "afterok:" + parent, "--", "true");
        assertEquals("NoScheduler", home.job(parent).get("reason").asText());
        JsonNode job = home.job(child);
        assertEquals("PENDING", job.get("state").asText());
        assertEquals("Dependency", job.get("reason").asText());
        assertEquals(parent, job.at("/spec/afterOk/0").asLong());
    }

    @Test
    void statJsonIsAnArrayWithEveryField() {
        home.submit("-J", "train", "-A", "research", "-c", "2", "--mem", "512M", "-G", "1", "--gpu-type", "a100",
                "-t", "90", "--deadline", "2030-01-01T00:00:00Z", "--importance", "7", "--env", "K=V", "--", "python", "train.py");
        TestHome.Outcome o = home.run("stat", "--json");
        assertEquals(0, o.code(), o::toString);
        JsonNode array = o.json();
        assertTrue(array.isArray(), o::toString);
        assertEquals(1, array.size());
        JsonNode job = array.get(0);
        Set<String> fields = new TreeSet<>();
        job.fieldNames().forEachRemaining(fields::add);
        assertTrue(fields.containsAll(Set.of("id", "spec", "state", "submitMillis", "attempt", "pid", "pidStartMillis",
                "reason", "cancelRequested", "lastIndex")), fields::toString);
        assertEquals(1, job.get("id").asLong());
        assertEquals("PENDING", job.get("state").asText());
        assertEquals(0, job.get("attempt").asInt());
        assertTrue(job.get("submitMillis").asLong() > 0);
        JsonNode spec = job.get("spec");
        assertEquals("train", spec.get("name").asText());
        assertEquals("PROCESS", spec.get("kind").asText());
        assertEquals(List.of("python", "train.py"), List.of(spec.at("/argv/0").asText(), spec.at("/argv/1").asText()));
        assertFalse(spec.get("shell").asBoolean());
        assertEquals("V", spec.at("/env/K").asText());
        assertEquals(System.getenv("PATH") == null ? "/usr/bin:/bin" : System.getenv("PATH"), spec.at("/env/PATH").asText(),
                "the submitter's PATH travels with the job");
        assertEquals(home.cwd.toString(), spec.get("workdir").asText());
        assertEquals("research", spec.get("project").asText());
        assertEquals("ana", spec.get("user").asText());
        assertEquals(2, spec.at("/resources/cpus").asInt());
        assertEquals(512, spec.at("/resources/memoryMb").asLong());
        assertEquals(1, spec.at("/resources/gpus").asInt());
        assertEquals("a100", spec.at("/resources/gpuType").asText());
        assertEquals(7, spec.get("importance").asInt());
        assertEquals(1_893_456_000_000L, spec.get("deadlineMillis").asLong());
        assertEquals(5400, spec.get("timeLimitSeconds").asLong());
        assertFalse(spec.get("hold").asBoolean());
    }

    @Test
    void submitOptionsBecomeTheSpec() throws Exception {
        Files.createDirectories(home.cwd.resolve("sub"));
        JsonNode wrapped = home.job(home.submit("--wrap", "echo a | wc -c")).get("spec");
        assertTrue(wrapped.get("shell").asBoolean());
        assertEquals("echo a | wc -c", wrapped.at("/argv/0").asText());

        JsonNode moved = home.job(home.submit("-D", "sub", "-t", "1-02:03:04", "--", "true")).get("spec");
        assertEquals(home.cwd.resolve("sub").toString(), moved.get("workdir").asText());
        assertEquals(((24 + 2) * 60 + 3) * 60 + 4, moved.get("timeLimitSeconds").asLong());

        JsonNode typed = home.job(home.submit("--gpu-type", "t4", "--", "true")).get("spec");
        assertEquals(1, typed.at("/resources/gpus").asInt(), "a GPU type alone asks for one GPU");

        long before = System.currentTimeMillis();
        JsonNode soon = home.job(home.submit("--deadline", "+2h", "--", "true")).get("spec");
        long deadline = soon.get("deadlineMillis").asLong();
        assertTrue(deadline >= before + 7_200_000L && deadline <= System.currentTimeMillis() + 7_200_000L, soon::toString);

        JsonNode defaults = home.job(home.submit("--", "/usr/bin/env")).get("spec");
        assertEquals("env", defaults.get("name").asText(), "the name defaults to the program's");
        assertEquals("default", defaults.get("project").asText(), "the project defaults to labq.yaml's defaultProject");
        assertEquals(1, defaults.at("/resources/cpus").asInt());
        assertEquals(256, defaults.at("/resources/memoryMb").asLong());
    }

    @Test
    void statFiltersByIdProjectAndUser() {
        home.submit("-A", "research", "--", "true");
        home.submit("-A", "teaching", "--", "true");
        assertEquals(List.of(1L, 2L), ids(home.run("stat", "--json")));
        assertEquals(List.of(2L), ids(home.run("stat", "--json", "-A", "teaching")));
        assertEquals(List.of(2L), ids(home.run("stat", "--json", "2")));
        assertEquals(List.of(1L, 2L), ids(home.run("stat", "--json", "-u", "ana")));
        assertEquals(List.of(), ids(home.run("stat", "--json", "-u", "bob")));
    }

    private static List<Long> ids(TestHome.Outcome o) {
        assertEquals(0, o.code(), o::toString);
        List<Long> ids = new ArrayList<>();
        o.json().forEach(j -> ids.add(j.get("id").asLong()));
        return ids;
    }

    @Test
    void holdReleaseAndDelWorkOnTheJournal() {
        long id = home.submit("--", "true");
        TestHome.Outcome held = home.run("hold", Long.toString(id));
        assertEquals(0, held.code(), held::toString);
        assertEquals("job 1 held\n", held.out());
        assertEquals("HELD", home.job(id).get("state").asText());
        assertEquals(ExitCodes.ILLEGAL_STATE, home.run("hold", "1").code(), "a held job cannot be held again");

        TestHome.Outcome released = home.run("release", "1");
        assertEquals("job 1 released\n", released.out());
        assertEquals("PENDING", home.job(id).get("state").asText());

        home.submit("-H", "--", "true");
        assertEquals("Held", home.job(2).get("reason").asText());
        TestHome.Outcome cancelled = home.run("del", "1", "2");
        assertEquals(0, cancelled.code(), cancelled::toString);
        assertEquals("job 1 cancel requested\njob 2 cancel requested\n", cancelled.out());
        assertEquals("CANCELLED", home.job(1).get("state").asText());
        assertEquals("CANCELLED", home.job(2).get("state").asText());

        Long before = home.journalLastIndex();
        TestHome.Outcome again = home.run("del", "1");
        assertEquals(ExitCodes.ILLEGAL_STATE, again.code(), again::toString);
        assertEquals(1, again.errLines().size(), again::toString);
        assertTrue(again.err().contains("job=1 is CANCELLED"), again::toString);
        assertEquals(before, home.journalLastIndex());
    }

    @Test
    void controlStopsAtTheFirstUnknownJob() {
        home.submit("--", "true");
        TestHome.Outcome o = home.run("hold", "1", "7", "1");
        assertEquals(ExitCodes.UNKNOWN_JOB, o.code(), o::toString);
        assertEquals("job 1 held\n", o.out());
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("job=7"), o::toString);
    }

    @Test
    void tailPrintsOneLinePerEntryForPeople() {
        home.submit("-J", "train", "-A", "research", "--mem", "1G", "-t", "90", "--deadline", "2030-01-01T00:00:00Z",
                "--", "python", "my script.py");
        home.run("hold", "1");
        List<JsonNode> json = home.tail();
        TestHome.Outcome o = home.run("tail");
        assertEquals(0, o.code(), o::toString);
        List<String> lines = o.out().lines().toList();
        assertEquals(2, lines.size(), o::toString);
        for (int i = 0; i < 2; i++) {
            String time = java.time.Instant.parse(json.get(i).get("time").asText())
                    .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            String type = json.get(i).get("type").asText();
            assertTrue(lines.get(i).startsWith(json.get(i).get("index").asText() + "  " + time + "  " + type + " "),
                    lines.get(i));
        }
        String submitted = lines.get(0);
        for (String field : List.of(" job=1 ", " name=train ", " project=research ", " user=ana ", " mem=1024M ",
                " time=1:30:00 ", " deadline=2030-01-01T00:00:00Z ")) {
            assertTrue(submitted.contains(field), () -> field + " in " + submitted);
        }
        assertTrue(submitted.endsWith(" -- python 'my script.py'"), submitted);
        assertFalse(submitted.contains("PATH"), "the environment is left out: " + submitted);
        assertTrue(lines.get(1).matches("\\d+  \\S+Z  Held +job=1"), lines.get(1));
    }

    @Test
    void tailWithJsonPrintsEveryEntryAsAJsonLine() {
        home.submit("--", "true");
        home.run("hold", "1");
        List<JsonNode> entries = home.tail();
        assertEquals(2, entries.size());
        for (JsonNode e : entries) {
            assertTrue(e.has("index") && e.has("type") && e.has("time") && e.has("event"), e::toString);
            java.time.Instant.parse(e.get("time").asText());
        }
        assertEquals("Submitted", entries.get(0).get("type").asText());
        assertEquals(1, entries.get(0).at("/event/job").asLong());
        assertEquals("true", entries.get(0).at("/event/spec/argv/0").asText());
        assertEquals("Held", entries.get(1).get("type").asText());
        assertTrue(entries.get(1).get("index").asLong() > entries.get(0).get("index").asLong());
    }

    @Test
    void tailFromAnIndexStartsAtThatEntry() {
        home.submit("--", "true");
        home.submit("--", "true");
        home.run("hold", "2");
        List<JsonNode> all = home.tail();
        assertEquals(3, all.size());
        long second = all.get(1).get("index").asLong();
        assertEquals(all.subList(1, 3), home.tail("--from", Long.toString(second)));
        assertEquals(all, home.tail("--from", Long.toString(all.get(0).get("index").asLong())));
    }

    @Test
    void tailOfAnEmptyHomePrintsNothing() {
        TestHome.Outcome o = home.run("tail");
        assertEquals(0, o.code(), o::toString);
        assertEquals("", o.out());
    }

    @Test
    void tailFromAnIndexThatIsNotInTheJournalIsInvalidInput() {
        home.submit("--", "true");
        long last = home.journalLastIndex();
        for (long from : new long[]{last + 1000, 5, -5}) {
            TestHome.Outcome o = home.run("tail", "--from", Long.toString(from));
            assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertTrue(o.err().contains("from=" + from) && o.err().contains("labq tail"), o::toString);
            assertEquals("", o.out());
        }
    }

    @Test
    void replayVerifyAgreesAfterASchedulerRan() throws Exception {
        home.submit("--", "true");
        home.submit("-H", "--", "true");
        try (LabqScheduler scheduler = LabqScheduler.builder(home.root).tickMillis(0).start()) {
            awaitState(scheduler, 1, JobState.COMPLETED);
        }
        TestHome.Outcome o = home.run("replay", "--verify");
        assertEquals(0, o.code(), o::toString);
        assertTrue(o.out().contains("2 jobs"), o::toString);
        assertTrue(o.out().contains("views agree with the journal"), o::toString);
        assertEquals(0, home.run("replay").code(), "--verify is the default");
    }

    @Test
    void replayVerifyReportsViewsThatDisagreeAndRebuildFixesThem() throws Exception {
        home.submit("--", "true");
        try (LabqScheduler scheduler = LabqScheduler.builder(home.root).tickMillis(0).start()) {
            awaitState(scheduler, 1, JobState.COMPLETED);
        }
        LabqHome labqHome = LabqHome.of(home.root);
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(labqHome.lock()).orElseThrow();
             Views views = Views.openForWriter(labqHome.views(), 0)) {
            ObjectNode job = (ObjectNode) TestHome.JSON.readTree(views.jobs().get(1L));
            job.put("state", "FAILED");
            views.jobs().put(1L, TestHome.JSON.writeValueAsBytes(job));
        }
        TestHome.Outcome o = home.run("replay", "--verify");
        assertEquals(ExitCodes.VERIFY_FAILED, o.code(), o::toString);
        assertTrue(o.out().contains("job 1: views say FAILED"), o::toString);
        assertTrue(o.out().contains("journal says COMPLETED"), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("1 difference(s)") && o.err().contains("labq replay --rebuild"), o::toString);

        TestHome.Outcome rebuilt = home.run("replay", "--rebuild");
        assertEquals(0, rebuilt.code(), rebuilt::toString);
        assertTrue(rebuilt.out().startsWith("views rebuilt from "), rebuilt::toString);
        TestHome.Outcome after = home.run("replay", "--verify");
        assertEquals(0, after.code(), after::toString);
        assertEquals("COMPLETED", home.job(1).get("state").asText());
    }

    private static void awaitState(LabqScheduler scheduler, long id, JobState state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (scheduler.job(JobId.of(id)).state() != state) {
            assertTrue(System.nanoTime() < deadline, () -> "job " + id + " is " + scheduler.job(JobId.of(id)).state());
            TestHome.pause(10);
        }
    }
}
