package dev.labq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `labq checkpoint` refusing what it cannot do, with no scheduler running: one line, a documented code. */
class CheckpointCommandsTest {
    @TempDir
    Path dir;

    private static void refused(TestHome.Outcome o, int code, String says) {
        assertEquals(code, o.code(), o::toString);
        assertEquals(1, o.errLines().size(), o::toString);
        assertTrue(o.err().contains(says), o.err());
    }

    private static Map<String, String> job(TestHome home, String id, String attempt) {
        return Map.of("LABQ_HOME", home.root.toString(), "LABQ_JOB_ID", id, "LABQ_ATTEMPT", attempt);
    }

    @Test
    void aCommitOutsideAJobOrOfAJobNotRunningIsRefused() {
        TestHome home = TestHome.in(dir);
        refused(home.run("checkpoint", "commit"), ExitCodes.INVALID_INPUT,
                "invalid LABQ_JOB_ID=(not set): `labq checkpoint commit` runs inside a job");
        refused(home.runWithEnv(job(home, "x", "1"), "checkpoint", "commit"),
                ExitCodes.INVALID_INPUT, "invalid LABQ_JOB_ID=x");
        refused(home.runWithEnv(Map.of("LABQ_HOME", home.root.toString(), "LABQ_JOB_ID", "1"), "checkpoint", "commit"), ExitCodes.INVALID_INPUT,
                "invalid LABQ_ATTEMPT=(not set)");
        refused(home.runWithEnv(job(home, "1", "1"), "checkpoint", "commit"),
                ExitCodes.UNKNOWN_JOB, "1");
        home.submit("--", "true");
        refused(home.runWithEnv(job(home, "1", "1"), "checkpoint", "commit"),
                ExitCodes.ILLEGAL_STATE, "job=1 is PENDING, not running attempt 1");
        assertEquals(1, home.tail().size(), "nothing journaled");
    }

    @Test
    void listVerifyAndDeleteOfAJobWithoutCheckpoints() {
        TestHome home = TestHome.in(dir);
        home.submit("--", "true");
        TestHome.Outcome list = home.run("checkpoint", "list", "1");
        assertEquals(ExitCodes.OK, list.code(), list::toString);
        assertEquals("job 1 has no checkpoint\n", list.out());
        assertEquals("[ ]", home.run("checkpoint", "list", "1", "--json").out().strip());
        TestHome.Outcome verify = home.run("checkpoint", "verify", "1");
        assertEquals(ExitCodes.OK, verify.code(), verify::toString);
        refused(home.run("checkpoint", "delete", "1", "3"), ExitCodes.UNKNOWN_JOB,
                "checkpoint=3 of 1 does not exist; its checkpoints are []");
        refused(home.run("checkpoint", "list", "9"), ExitCodes.UNKNOWN_JOB, "9");
        assertEquals(ExitCodes.USAGE, home.run("checkpoint").code());
    }
}
