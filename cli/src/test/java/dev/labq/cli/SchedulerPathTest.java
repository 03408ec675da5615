package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labq.core.LabqScheduler;
import dev.labq.core.rpc.RemoteInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands as a running scheduler runs them for its clients: straight onto its ring. */
@Timeout(60)
class SchedulerPathTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TestHome home;
    private LabqScheduler scheduler;

    @BeforeEach
    void start() {
        home = TestHome.in(dir);
        scheduler = LabqScheduler.builder(home.root).serveCommands(ServeCommand::commands).tickMillis(0).start();
        home.via(scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    private static boolean terminal(JsonNode job) {
        return List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT").contains(job.get("state").asText());
    }

    @Test
    void submittedJobRunsAndShowsCompleted() {
        TestHome.Outcome o = home.run("submit", "--", "true");
        assertEquals(0, o.code(), o::toString);
        assertEquals("Submitted batch job 1\n", o.out());
        assertEquals("", o.err(), "no 'no scheduler' note when one runs");

        JsonNode job = home.awaitJob(1, SchedulerPathTest::terminal, LIMIT);
        assertEquals("COMPLETED", job.get("state").asText(), job::toString);
        assertEquals(0, job.get("exitCode").asInt());
        assertEquals(1, job.get("attempt").asInt());
        assertTrue(job.get("pid").asLong() > 0, job::toString);
        assertTrue(job.has("startMillis") && job.has("endMillis"), job::toString);

        TestHome.Outcome table = home.run("stat");
        assertTrue(table.out().lines().anyMatch(l -> l.trim().startsWith("1 ") && l.contains("COMPLETED") && l.contains("exit 0")),
                table::toString);
    }

    @Test
    void jobGetsItsEnvironmentAndItsOutputGoesToTheLogs() throws Exception {
        long id = home.submit("-A", "research", "--gpu-type", "t4", "--env", "GREETING=hi", "--",
                "sh", "-c", "echo $GREETING $LABQ_JOB_ID $LABQ_ATTEMPT $LABQ_PROJECT $CUDA_VISIBLE_DEVICES; pwd; echo oops >&2");
        assertEquals("COMPLETED", home.awaitJob(id, SchedulerPathTest::terminal, LIMIT).get("state").asText());
        assertEquals("hi 1 1 research 1\n" + home.cwd.toRealPath() + "\n",
                Files.readString(home.root.resolve("logs").resolve(id + ".out")));
        assertEquals("oops\n", Files.readString(home.root.resolve("logs").resolve(id + ".err")));
    }

    @Test
    void nonExecutableScriptRunsThroughSh() throws Exception {
        Path script = Files.writeString(home.cwd.resolve("job.sh"), "echo from script \"$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        long id = home.submit("job.sh", "arg1");
        assertEquals("COMPLETED", home.awaitJob(id, SchedulerPathTest::terminal, LIMIT).get("state").asText());
        assertEquals("from script arg1\n", Files.readString(home.root.resolve("logs").resolve(id + ".out")));
    }

    @Test
    void failingJobShowsFailedWithItsExitCode() {
        long id = home.submit("--wrap", "exit 3");
        JsonNode job = home.awaitJob(id, SchedulerPathTest::terminal, LIMIT);
        assertEquals("FAILED", job.get("state").asText());
        assertEquals(3, job.get("exitCode").asInt());
        assertEquals("exit code 3", job.get("reason").asText());
    }

    @Test
    void holdReleaseAndDelGoThroughTheScheduler() {
        long held = home.submit("-H", "--", "true");
        JsonNode job = home.job(held);
        assertEquals("HELD", job.get("state").asText());
        assertEquals("Held", job.get("reason").asText());

        long child = home.submit("-d", "afterok:" + held, "--", "true");
        assertEquals("Dependency", home.job(child).get("reason").asText());
        TestHome.Outcome hold = home.run("hold", Long.toString(child));
        assertEquals(0, hold.code(), hold::toString);
        assertEquals("job " + child + " held\n", hold.out());
        assertEquals("HELD", home.job(child).get("state").asText());

        TestHome.Outcome notHeld = home.run("release", "99");
        assertEquals(ExitCodes.UNKNOWN_JOB, notHeld.code(), notHeld::toString);
        assertEquals(1, notHeld.errLines().size());

        TestHome.Outcome release = home.run("release", Long.toString(held), Long.toString(child));
        assertEquals(0, release.code(), release::toString);
        assertEquals("COMPLETED", home.awaitJob(held, SchedulerPathTest::terminal, LIMIT).get("state").asText());
        assertEquals("COMPLETED", home.awaitJob(child, SchedulerPathTest::terminal, LIMIT).get("state").asText());

        TestHome.Outcome releaseDone = home.run("release", Long.toString(held));
        assertEquals(ExitCodes.ILLEGAL_STATE, releaseDone.code(), releaseDone::toString);
        assertEquals(1, releaseDone.errLines().size(), releaseDone::toString);
        assertTrue(releaseDone.err().contains("job=" + held + " is COMPLETED"), releaseDone::toString);

        long running = home.submit("--", "sleep", "30");
        home.awaitJob(running, j -> j.get("state").asText().equals("RUNNING") && j.get("pid").asLong() > 0, LIMIT);
        TestHome.Outcome del = home.run("del", Long.toString(running));
        assertEquals(0, del.code(), del::toString);
        assertEquals("job " + running + " cancel requested\n", del.out());
        JsonNode cancelled = home.awaitJob(running, SchedulerPathTest::terminal, LIMIT);
        assertEquals("CANCELLED", cancelled.get("state").asText(), cancelled::toString);
    }

    @Test
    void rejectionsThroughTheSchedulerAreOneLineAndJournalNothing() {
        home.submit("--", "true");
        home.awaitJob(1, SchedulerPathTest::terminal, LIMIT);
        Long before = home.journalLastIndex();
        for (String[] args : List.of(
                new String[]{"submit", "-A", "nope", "--", "true"},
                new String[]{"submit", "-d", "afterok:999", "--", "true"},
                new String[]{"submit", "--cpus", "3", "--", "true"},
                new String[]{"hold", "1"},
                new String[]{"del", "42"})) {
            TestHome.Outcome o = home.run(args);
            int expected = args[0].equals("hold") ? ExitCodes.ILLEGAL_STATE
                    : args[0].equals("del") || args[2].startsWith("afterok") ? ExitCodes.UNKNOWN_JOB : ExitCodes.INVALID_INPUT;
            assertEquals(expected, o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertEquals("", o.out());
        }
        assertEquals(before, home.journalLastIndex(), "rejected commands journal nothing");
    }

    @Test
    void tailShowsTheSchedulersEntries() {
        long id = home.submit("--", "true");
        home.awaitJob(id, SchedulerPathTest::terminal, LIMIT);
        List<String> types = home.tail().stream().map(e -> e.get("type").asText()).toList();
        assertEquals(List.of("SchedulerStarted", "Submitted", "Dispatched", "Started", "Finished"), types);
        List<JsonNode> fromDispatch = home.tail("--from", Long.toString(home.tail().get(2).get("index").asLong()));
        assertEquals("Dispatched", fromDispatch.get(0).get("type").asText());
        assertEquals(3, fromDispatch.size());

        TestHome.Outcome readable = home.run("tail", "--from", fromDispatch.get(0).get("index").asText());
        assertEquals(0, readable.code(), readable::toString);
        List<String> lines = readable.out().lines().toList();
        assertEquals(3, lines.size(), readable::toString);
        assertTrue(lines.get(0).matches("\\d+  \\S+Z  Dispatched +job=1 attempt=1 cpus=1 mem=256M( .*)?"), lines.get(0));
        assertTrue(lines.get(1).matches("\\d+  \\S+Z  Started +job=1 attempt=1 pid=\\d+ pidStart=\\S+Z"), lines.get(1));
        assertTrue(lines.get(2).matches("\\d+  \\S+Z  Finished +job=1 attempt=1 state=COMPLETED exitCode=0( reason=.*)?"),
                lines.get(2));
    }

    @Test
    void forwardedCommandLineRunsInTheClientsContext() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RemoteInvocation client = new RemoteInvocation(List.of("submit", "--home", home.root.toString(), "--", "true"),
                home.cwd.toString(), "bob", "UTC", Map.of("PATH", "/usr/bin:/bin"));
        int code = ServeCommand.commands(scheduler).run(client, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err::toString);
        assertEquals("Submitted batch job 1\n", out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        JsonNode spec = home.job(1).get("spec");
        assertEquals("bob", spec.get("user").asText());
        assertEquals(home.cwd.toString(), spec.get("workdir").asText());
        assertEquals("/usr/bin:/bin", spec.at("/env/PATH").asText());
    }

    @Test
    void forwardedLocalDeadlineIsReadInTheClientsZoneNotTheSchedulers() {
        for (String zone : List.of("Asia/Tokyo", "America/New_York")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ServeCommand.commands(scheduler).run(new RemoteInvocation(
                            List.of("submit", "--parsable", "--hold", "--deadline", "2030-01-01T09:00", "--", "true"),
                            home.cwd.toString(), "bob", zone, Map.of("LABQ_HOME", home.root.toString())),
                    new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, err::toString);
        }
        assertEquals(java.time.Instant.parse("2030-01-01T00:00:00Z").toEpochMilli(), home.job(1).at("/spec/deadlineMillis").asLong(),
                "09:00 in Tokyo");
        assertEquals(java.time.Instant.parse("2030-01-01T14:00:00Z").toEpochMilli(), home.job(2).at("/spec/deadlineMillis").asLong(),
                "09:00 in New York");
    }

    @Test
    void forwardedCommandOnAnotherHomeUsesThatHomesFiles() {
        TestHome other = TestHome.in(dir.resolve("other"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ServeCommand.commands(scheduler).run(new RemoteInvocation(List.of("submit", "--", "true"),
                        other.cwd.toString(), "bob", "UTC", Map.of("LABQ_HOME", other.root.toString())),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err::toString);
        assertEquals("Submitted batch job 1\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no scheduler is running on " + other.root));
        assertEquals("PENDING", other.job(1).get("state").asText());
    }

    @Test
    void schedulerRefusesCommandsItDoesNotServe() {
        for (List<String> args : List.of(List.of("serve"), List.of("replay", "--verify"), List.<String>of())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = ServeCommand.commands(scheduler).run(new RemoteInvocation(args, home.cwd.toString(), "bob", "UTC", Map.of()),
                    new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(ExitCodes.USAGE, code);
            assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("run it locally"));
        }
    }

    @Test
    void secondSchedulerOnTheSameHomeIsRefused() {
        TestHome.Outcome o = home.run("serve");
        assertEquals(ExitCodes.ALREADY_RUNNING, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("pid " + ProcessHandle.current().pid()), o::toString);
    }
}
