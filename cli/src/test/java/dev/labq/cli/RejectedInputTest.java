package dev.labq.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rejected command line prints exactly one line on stderr that names the field, the value and the fix,
 * exits with its documented code, and writes nothing to the journal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RejectedInputTest {
    @TempDir
    static Path dir;

    /** A home with job 1 pending, so ids, dependencies and state checks have something to refer to. */
    private TestHome home;

    @BeforeAll
    void seed() {
        home = TestHome.in(dir.resolve("seeded"));
        assertEquals(1, home.submit("--", "true"));
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                reject(ExitCodes.USAGE, "submit --bogus -- true", "--bogus", "labq submit --help"),
                reject(ExitCodes.USAGE, "submit --cpus two -- true", "two", "--cpus", "labq submit --help"),
                reject(ExitCodes.INVALID_INPUT, "submit --mem -5G -- true", "mem=-5G", "positive size"),
                reject(ExitCodes.INVALID_INPUT, "submit --mem 5X -- true", "mem=5X", "512M"),
                reject(ExitCodes.INVALID_INPUT, "submit --mem 5G -- true", "mem=5120M", "at most"),
                reject(ExitCodes.INVALID_INPUT, "submit --cpus 0 -- true", "cpus=0", "at least 1"),
                reject(ExitCodes.INVALID_INPUT, "submit --cpus 3 -- true", "cpus=3", "2 CPUs"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 3 -- true", "gpus=3", "at most"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 2 --gpu-type a100 -- true", "gpus=2", "1 a100"),
                reject(ExitCodes.UNKNOWN_JOB, "submit -d afterok:999 -- true", "999", "labq stat"),
                reject(ExitCodes.INVALID_INPUT, "submit -d afterany:1 -- true", "dependency=afterany:1", "afterok:ID"),
                reject(ExitCodes.INVALID_INPUT, "submit -d afterok:x -- true", "dependency=afterok:x", "positive numbers"),
                reject(ExitCodes.INVALID_INPUT, "submit -A nope -- true", "project=nope", "default, research, teaching"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpu-type v100 -- true", "gpu-type=v100", "a100, t4"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpu-type t4,v100 -- true", "gpu-type=v100", "a100, t4"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus -1 -- true", "gpus=-1", "0 or more"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 1.5 -- true", "gpus=1.5", "below 1"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 0.5 --gpu-mem 100G -- true", "gpu-mem=102400M", "81920M"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 0.5 --gpu-type t4 --gpu-mem 40G -- true", "gpu-mem=40960M", "t4 GPU here has 16384M"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpus 2 --gpu-mem 40G -- true", "gpus=2", "with 40960M or more"),
                reject(ExitCodes.INVALID_INPUT, "submit --gpu-mem lots -- true", "gpu-mem=lots", "40G"),
                reject(ExitCodes.INVALID_INPUT, "submit --gres mps:2 -- true", "gres=mps:2", "gpu:TYPE:N"),
                reject(ExitCodes.INVALID_INPUT, "submit --gres gpu:2 --gpus 1 -- true", "gres=gpu:2", "not both"),
                reject(ExitCodes.INVALID_INPUT, "submit -t 1--2 -- true", "time=1--2", "H:M:S"),
                reject(ExitCodes.INVALID_INPUT, "submit -t 0 -- true", "time=0", "H:M:S"),
                reject(ExitCodes.INVALID_INPUT, "submit --deadline tomorrow -- true", "deadline=tomorrow", "+2h"),
                reject(ExitCodes.INVALID_INPUT, "submit --importance 2000000 -- true", "importance=2000000", "0 to 1000000"),
                reject(ExitCodes.INVALID_INPUT, "submit --retries 101 -- true", "retries=101", "0 (default) to 100"),
                reject(ExitCodes.INVALID_INPUT, "submit --backoff soon -- true", "backoff=soon", "exp:10s:10m"),
                reject(ExitCodes.INVALID_INPUT, "submit --kill-on-invalid-dep maybe -- true", "kill-on-invalid-dep=maybe", "yes"),
                reject(ExitCodes.INVALID_INPUT, "submit --export A,,B -- true", "export=A,,B", "commas"),
                reject(ExitCodes.INVALID_INPUT, "submit --export 9LIVES -- true", "export=9LIVES", "letters, digits"),
                reject(ExitCodes.INVALID_INPUT, "drain gpu:7 --reason broken", "device=gpu:7", "[gpu:0, gpu:1]"),
                reject(ExitCodes.INVALID_INPUT, "drain gpu:one --reason broken", "device=gpu:one", "gpu:ID"),
                reject(ExitCodes.USAGE, "drain gpu:0", "--reason", "labq drain --help"),
                reject(ExitCodes.INVALID_INPUT, "resume gpu:-1", "device=gpu:-1", "gpu:ID"),
                reject(ExitCodes.INVALID_INPUT, "submit --retry-on oom -- true", "retry-on=oom", "timeout or signal"),
                reject(ExitCodes.INVALID_INPUT, "submit --checkpoint-every soon -- true", "checkpoint-every=soon", "30m"),
                reject(ExitCodes.INVALID_INPUT, "submit --checkpoint-every 1m --checkpoint-signal TERM -- true",
                        "checkpoint-signal=TERM", "USR1"),
                reject(ExitCodes.INVALID_INPUT, "submit --checkpoint-signal USR2 -- true", "checkpoint-signal=USR2",
                        "--checkpoint-every too"),
                reject(ExitCodes.INVALID_INPUT, "submit --array 5-1 -- true", "array=5-1", "write 1-5"),
                reject(ExitCodes.INVALID_INPUT, "submit --array 0-10%0 -- true", "array=0-10%0", "at least 1"),
                reject(ExitCodes.INVALID_INPUT, "submit", "command", "after `--`"),
                reject(ExitCodes.INVALID_INPUT, "submit --wrap date -- true", "wrap=date", "not both"),
                reject(ExitCodes.USAGE, "hold abc", "'abc'", "positive numbers"),
                reject(ExitCodes.USAGE, "hold 0", "'0'", "positive numbers"),
                reject(ExitCodes.USAGE, "hold", "JOBID", "labq hold --help"),
                reject(ExitCodes.UNKNOWN_JOB, "hold 999", "job=999", "labq stat"),
                reject(ExitCodes.UNKNOWN_JOB, "release 999", "job=999", "labq stat"),
                reject(ExitCodes.UNKNOWN_JOB, "del 999", "job=999", "labq stat"),
                reject(ExitCodes.UNKNOWN_JOB, "stat 999", "job=999", "labq stat"),
                reject(ExitCodes.ILLEGAL_STATE, "release 1", "job=1", "PENDING", "labq stat 1"),
                reject(ExitCodes.ILLEGAL_STATE, "requeue 1", "job=1 is PENDING", "failed, was cancelled or timed out"),
                reject(ExitCodes.UNKNOWN_JOB, "requeue 999", "job=999", "labq stat"),
                reject(ExitCodes.USAGE, "stat --bogus", "--bogus", "labq stat --help"),
                reject(ExitCodes.USAGE, "tail --from abc", "abc", "labq tail --help"),
                reject(ExitCodes.USAGE, "replay --verify --rebuild", "--verify", "--rebuild"),
                reject(ExitCodes.USAGE, "frobnicate", "frobnicate", "--help"));
    }

    private static Arguments reject(int code, String commandLine, String... mentions) {
        return Arguments.of(commandLine, code, List.of(mentions));
    }

    @ParameterizedTest(name = "labq {0} -> exit {1}")
    @MethodSource("rejections")
    void rejectsWithOneLineNamingFieldValueAndFixAndLeavesJournalUnchanged(String commandLine, int code, List<String> mentions) {
        Long before = home.journalLastIndex();
        TestHome.Outcome o = home.run(commandLine.split(" "));
        assertEquals(code, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), () -> "exactly one line on stderr\n" + o);
        for (String mention : mentions) {
            assertTrue(o.err().contains(mention), () -> "stderr should mention '" + mention + "'\n" + o);
        }
        assertEquals("", o.out(), o::toString);
        assertEquals(before, home.journalLastIndex(), "the journal must not change");
    }

    @ParameterizedTest(name = "labq {0} -> exit {1}, no journal created")
    @MethodSource("rejections")
    void rejectionOnFreshHomeCreatesNoJournal(String commandLine, int code, List<String> mentions) {
        TestHome fresh = TestHome.in(dir.resolve("fresh-" + Math.abs(commandLine.hashCode())));
        TestHome.Outcome o = fresh.run(commandLine.split(" "));
        if (commandLine.contains("afterany:1") || commandLine.equals("release 1") || commandLine.equals("requeue 1")) {
            // on an empty home, job 1 does not exist: these are unknown-job errors there
            assertTrue(o.code() == ExitCodes.UNKNOWN_JOB || o.code() == code, o::toString);
        } else {
            assertEquals(code, o.code(), o::toString);
        }
        assertEquals(1, o.errLines().size(), o::toString);
        assertFalse(Files.exists(fresh.root.resolve("journal")), "a rejected command must not create the journal");
    }

    @Test
    void noCommandIsAUsageErrorOnTheInvocationsStderr() {
        TestHome.Outcome o = home.run();
        assertEquals(ExitCodes.USAGE, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("name a command"), o::toString);
    }

    @Test
    void usageHintOfTheRootCommandIsLabqHelp() {
        TestHome.Outcome o = home.run("frobnicate");
        assertEquals(ExitCodes.USAGE, o.code(), o::toString);
        assertTrue(o.err().contains("see `labq --help`"), o::toString);
    }

    @Test
    void homeUnderARegularFileIsAStorageError() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        TestHome.Outcome o = home.run("submit", "--home", file.resolve("home").toString(), "--", "true");
        assertEquals(ExitCodes.STORAGE, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("home=" + file.resolve("home")), o::toString);
        assertTrue(o.err().contains("writable --home"), o::toString);
        assertEquals("", o.out());
    }

    @Test
    void homeThatIsARegularFileIsAStorageError() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "not a directory");
        TestHome.Outcome o = home.run("submit", "--home", file.toString(), "--", "true");
        assertEquals(ExitCodes.STORAGE, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("home=" + file), o::toString);
        assertTrue(o.err().contains("writable --home"), o::toString);
    }

    @Test
    void readCommandsOnAHomeThatIsARegularFileAreStorageErrors() throws Exception {
        Path file = Files.writeString(dir.resolve("read-file"), "not a directory");
        for (String command : List.of("stat", "tail")) {
            TestHome.Outcome o = home.run(command, "--home", file.toString());
            assertEquals(ExitCodes.STORAGE, o.code(), o::toString);
            assertEquals(1, o.errLines().size(), o::toString);
            assertTrue(o.err().contains(file.toString()), o::toString);
        }
    }

    @Test
    void unusableHomeFromLabqHomeIsAStorageErrorToo() throws Exception {
        Path file = Files.writeString(dir.resolve("env-file"), "not a directory");
        TestHome.Outcome o = home.runWithEnv(java.util.Map.of("LABQ_HOME", file.resolve("home").toString()),
                "submit", "--", "true");
        assertEquals(ExitCodes.STORAGE, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("home=" + file.resolve("home")), o::toString);
    }

    @Test
    void verifyingAHomeWithoutJournalIsAStorageError() {
        TestHome empty = TestHome.in(dir.resolve("no-journal"));
        TestHome.Outcome o = empty.run("replay", "--verify");
        assertEquals(ExitCodes.STORAGE, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains("has no journal"), o::toString);
        assertTrue(o.err().contains("--home"), o::toString);
    }

    @Test
    void verboseAddsTheStackTraceAfterTheOneLine() {
        TestHome.Outcome o = home.run("submit", "-v", "-A", "nope", "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, o.code(), o::toString);
        assertTrue(o.errLines().get(0).startsWith("labq submit: invalid project=nope"), o::toString);
        assertTrue(o.errLines().size() > 1, "-v prints the stack trace");
        assertTrue(o.err().contains("InvalidInputException"), o::toString);
    }
}
