package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labq.core.LabqScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who runs next, as a user sees it: explain, prio, shares, alter, project set and budgets on a real scheduler. */
@Timeout(120)
class PolicyCommandsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String MACHINE = """
            machine:
              cpus: 2
              memory: 4G
              gpus:
                - { id: 0, type: a100, memory: 80G }
                - { id: 1, type: a100, memory: 80G }
            """;

    @TempDir
    Path dir;

    private TestHome home;
    private LabqScheduler scheduler;

    private void start(String defaultProject, String projects) throws IOException {
        home = TestHome.in(dir);
        Files.writeString(home.root.resolve("labq.yaml"), MACHINE + projects
                + "scheduler: { killGraceSeconds: 0, defaultProject: " + defaultProject + " }\n");
        scheduler = LabqScheduler.builder(home.root).serveCommands(ServeCommand::commands).tickMillis(50).start();
        home.via(scheduler);
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private static boolean terminal(JsonNode job) {
        return List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(job.get("state").asText());
    }

    private static boolean running(JsonNode job) {
        return job.get("state").asText().equals("RUNNING");
    }

    private JsonNode explain(long id) {
        TestHome.Outcome o = home.run("explain", "--json", Long.toString(id));
        assertEquals(0, o.code(), o::toString);
        return o.json();
    }

    @Test
    void explainSaysWhyAndWhenWithFactorsThatAddUp() throws IOException {
        start("teaching", """
                projects:
                  research: { importance: 50 }
                  teaching: { importance: 5 }
                """);
        long blocker = home.submit("-A", "teaching", "-c", "2", "-t", "1:00", "--", "sleep", "30");
        home.awaitJob(blocker, PolicyCommandsIT::running, LIMIT);
        long teaching = home.submit("-A", "teaching", "-c", "2", "-t", "5:00", "--", "true");
        long research = home.submit("-A", "research", "-c", "2", "-t", "5:00", "--", "true");
        long urgent = home.submit("-A", "teaching", "-c", "2", "-t", "5:00", "--deadline", "+10m", "--", "true");
        for (long id : List.of(teaching, research, urgent)) {
            JsonNode e = explain(id);
            double sum = 0;
            for (JsonNode f : e.get("factors")) {
                sum += f.get("contribution").asDouble();
                assertEquals(f.get("weight").asDouble() * f.get("value").asDouble(), Math.abs(f.get("contribution").asDouble()),
                        1e-3 + 0.001 * Math.abs(f.get("contribution").asDouble()), e::toString);
            }
            assertEquals(e.get("priority").asDouble(), sum, Math.abs(sum) * 0.01 + 1e-3, e::toString);
            assertTrue(List.of("Priority", "Resources").contains(e.get("reason").asText()), e::toString);
            assertFalse(e.get("estimatedStart").isNull(), () -> "a waiting job behind limited jobs has an estimate: " + e);
            assertEquals("multifactor@1", e.get("policy").asText());
            assertTrue(e.has("budget") && e.has("ahead"), e::toString);
        }
        JsonNode urgentExplained = explain(urgent);
        assertEquals(0, urgentExplained.get("aheadCount").asInt(), () -> "the deadline pulls it first: " + urgentExplained);
        assertEquals("Resources", urgentExplained.get("reason").asText());
        assertEquals(List.of(urgent), ids(explain(research).get("ahead")), "research comes right after the deadline job");
        assertTrue(explain(teaching).get("aheadCount").asInt() == 2);

        TestHome.Outcome prio = home.run("prio", "--json");
        assertEquals(List.of(urgent, research, teaching), ids(prio.json(), "job"), prio::toString);
        TestHome.Outcome table = home.run("prio");
        assertTrue(table.out().contains("FAIRSHARE") && table.out().contains("DEADLINE"), table::toString);
        TestHome.Outcome text = home.run("explain", Long.toString(research));
        assertTrue(text.out().contains("estimated start:") && text.out().contains("importance"), text::toString);

        // alter moves the teaching job ahead of everything at the next decision
        TestHome.Outcome altered = home.run("alter", Long.toString(teaching), "--deadline", "+6m", "--importance", "1000000");
        assertEquals(0, altered.code(), altered::toString);
        assertEquals(0, explain(teaching).get("aheadCount").asInt(), () -> "after alter: " + explain(teaching));
        home.run("del", Long.toString(blocker));
        for (long id : List.of(teaching, research, urgent)) {
            assertEquals("COMPLETED", home.awaitJob(id, PolicyCommandsIT::terminal, LIMIT).get("state").asText());
        }
        JsonNode done = home.job(teaching);
        assertTrue(done.get("decidedBy").get("factors").has("deadline"), done::toString);

        TestHome.Outcome late = home.run("alter", Long.toString(teaching), "--nice", "5");
        assertEquals(ExitCodes.ILLEGAL_STATE, late.code(), late::toString);
        assertTrue(late.err().contains("only a job that has not ended can be altered"), late::toString);
    }

    @Test
    void aProjectCappedAtOneGpuRunsItsGpuJobsOneAtATime() throws IOException {
        start("capped", """
                projects:
                  capped: { importance: 10, budget: { maxGpus: 1 } }
                """);
        List<Long> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jobs.add(home.submit("-A", "capped", "--gpus", "1", "--", "sleep", "1"));
        }
        boolean sawBudgetReason = false;
        while (!jobs.stream().allMatch(id -> terminal(home.job(id)))) {
            TestHome.Outcome stat = home.run("stat", "--json");
            int runningNow = 0;
            for (JsonNode j : stat.json()) {
                if (running(j)) {
                    runningNow++;
                } else if (j.get("state").asText().equals("PENDING")) {
                    String reason = j.get("reason").asText();
                    assertTrue(reason.startsWith("Budget") || reason.equals("Dispatching"), j::toString);
                    sawBudgetReason |= reason.equals("BudgetCap(project=capped, gpus)");
                }
            }
            assertTrue(runningNow <= 1, stat::toString);
            TestHome.pause(50);
        }
        assertTrue(sawBudgetReason, "the waiting jobs said why");
        for (long id : jobs) {
            assertEquals("COMPLETED", home.job(id).get("state").asText());
        }
        TestHome.Outcome tooBig = home.run("submit", "-A", "capped", "--gpus", "2", "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, tooBig.code(), tooBig::toString);
        assertTrue(tooBig.err().contains("projects.capped.budget.maxGpus is 1"), tooBig::toString);
    }

    @Test
    void aStrictAllowanceStartsOnlyWhatFitsAndUsageNeverPassesIt() throws IOException {
        start("lab", """
                projects:
                  lab: { importance: 10, budget: { cpuHours: 0.0055, strict: true } }
                """);
        List<Long> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(home.submit("-A", "lab", "-t", "0:10", "--", "sleep", "4"));
        }
        double allowanceSeconds = 0.0055 * 3600;
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (jobs.stream().filter(id -> home.job(id).get("state").asText().equals("COMPLETED")).count() < 3) {
            assertTrue(System.nanoTime() < deadline, "three jobs fit and complete");
            TestHome.Outcome snapshot = home.run("stat", "--json"); // one instant: jobs one by one could span an end and a start
            int runningNow = 0;
            for (JsonNode j : snapshot.json()) {
                runningNow += running(j) ? 1 : 0;
            }
            assertTrue(runningNow <= 1, () -> "one at a time, each reserves its 10 s limit: " + snapshot);
            assertTrue(usedCpuSeconds() <= allowanceSeconds + 1e-6);
            TestHome.pause(100);
        }
        JsonNode last = home.job(jobs.get(3));
        assertEquals("PENDING", last.get("state").asText(), () -> home.run("stat", "-a").out() + home.run("tail").out());
        assertEquals("BudgetAllowance(project=lab, cpuHours)", last.get("reason").asText());
        assertTrue(usedCpuSeconds() <= allowanceSeconds, "usage " + usedCpuSeconds() + " s");
        assertTrue(usedCpuSeconds() >= 12, "three jobs of 4 s");
    }

    private double usedCpuSeconds() {
        TestHome.Outcome shares = home.run("shares", "--json");
        assertEquals(0, shares.code(), shares::toString);
        for (JsonNode row : shares.json()) {
            if (row.get("user").isNull()) {
                JsonNode hours = row.get("budget").get("cpuHours");
                assertEquals(0.0055, hours.get("allowance").asDouble(), 1e-9);
                return hours.get("used").asDouble() * 3600;
            }
        }
        throw new AssertionError("no project row: " + shares);
    }

    @Test
    void projectSetIsJournaledAndBadValuesAreRefusedWithTheField() throws IOException {
        start("research", """
                projects:
                  research: { importance: 50, share: 2 }
                  teaching: { importance: 5 }
                """);
        TestHome.Outcome set = home.run("project", "set", "teaching", "--importance", "70", "--share", "4");
        assertEquals(0, set.code(), set::toString);
        JsonNode teaching = null;
        for (JsonNode row : home.run("shares", "--json").json()) {
            if (row.get("project").asText().equals("teaching") && row.get("user").isNull()) {
                teaching = row;
            }
        }
        assertEquals(70, teaching.get("importance").asInt());
        assertEquals(4.0, teaching.get("share").asDouble());
        assertEquals(4.0 / 6, teaching.get("normalizedShare").asDouble(), 1e-6);

        TestHome.Outcome unknown = home.run("project", "set", "physics", "--share", "1");
        assertEquals(ExitCodes.INVALID_INPUT, unknown.code());
        assertTrue(unknown.err().contains("invalid project=physics"), unknown::toString);
        TestHome.Outcome negative = home.run("project", "set", "teaching", "--share", "-1");
        assertEquals(ExitCodes.INVALID_INPUT, negative.code());
        assertTrue(negative.err().contains("invalid share=-1.0"), negative::toString);
        TestHome.Outcome userImportance = home.run("project", "set", "teaching", "--user", "ana", "--importance", "3");
        assertEquals(ExitCodes.INVALID_INPUT, userImportance.code());
        TestHome.Outcome nothing = home.run("project", "set", "teaching");
        assertEquals(ExitCodes.INVALID_INPUT, nothing.code());
        assertTrue(home.tail().stream().filter(e -> e.get("type").asText().equals("ProjectSet")).count() == 1,
                "only the accepted change is journaled");

        TestHome.Outcome past = home.run("submit", "--deadline", "2020-01-01T00:00:00Z", "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, past.code());
        assertTrue(past.err().contains("invalid deadline=2020-01-01T00:00:00Z: that is in the past"), past::toString);
        TestHome.Outcome unknownJob = home.run("alter", "99", "--nice", "1");
        assertEquals(ExitCodes.UNKNOWN_JOB, unknownJob.code());
        TestHome.Outcome badNice = home.run("alter", "1", "--nice", "20000");
        assertEquals(ExitCodes.INVALID_INPUT, badNice.code());
        TestHome.Outcome noChange = home.run("alter", "1");
        assertEquals(ExitCodes.INVALID_INPUT, noChange.code());
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asLong()));
        return ids;
    }

    private static List<Long> ids(JsonNode array, String field) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get(field).asLong()));
        return ids;
    }
}
