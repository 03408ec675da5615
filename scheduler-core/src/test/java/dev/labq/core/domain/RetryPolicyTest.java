package dev.labq.core.domain;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.testkit.CoreDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries with a backoff and a choice of failures: parsed, folded deterministically, held back until due. */
class RetryPolicyTest {
    private static final long T0 = 1_767_225_600_000L;

    @Test
    void backoffsParseAndGrowWithTenPercentJitterThatAReplayDrawsAgain() {
        RetryPolicy.Backoff fixed = RetryPolicy.Backoff.parse("fixed:10s");
        assertEquals("fixed:10s", fixed.toString());
        RetryPolicy.Backoff exp = RetryPolicy.Backoff.parse("exp:10s:1m");
        assertEquals("exp:10s:60s", exp.toString());
        assertEquals(RetryPolicy.Backoff.parse("exp:1h:2h"), new RetryPolicy.Backoff(true, 3600, 7200));
        JobId job = JobId.of(42);
        long[] expected = {10, 20, 40, 60, 60};
        for (int retry = 1; retry <= 5; retry++) {
            long delay = exp.delayMillis(job, retry);
            assertTrue(delay >= expected[retry - 1] * 900 && delay <= expected[retry - 1] * 1100, retry + ": " + delay);
            assertEquals(delay, RetryPolicy.Backoff.parse("exp:10s:1m").delayMillis(job, retry), "the same draw again");
            long f = fixed.delayMillis(job, retry);
            assertTrue(f >= 9000 && f <= 11000, "fixed: " + f);
        }
        assertTrue(exp.delayMillis(JobId.of(1), 1) != exp.delayMillis(JobId.of(2), 1), "jobs draw apart, not in step");
        for (String bad : List.of("fixed", "fixed:", "exp:10s", "exp:1m:10s", "fixed:0s", "linear:10s", "fixed:-5s", "fixed:10x")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> RetryPolicy.Backoff.parse(bad), bad);
            assertTrue(e.getMessage().contains("invalid backoff=") && e.getMessage().contains("fixed:10s"), e.getMessage());
        }
    }

    @Test
    void retryOnNamesExitCodesTimeoutsAndSignals() {
        RetryPolicy p = new RetryPolicy(null, RetryPolicy.RetryOn.parse("1, 75-78,timeout"));
        assertEquals("1,75-78,timeout", p.on().toString());
        assertTrue(p.retries(JobState.FAILED, 1));
        assertTrue(p.retries(JobState.FAILED, 77));
        assertFalse(p.retries(JobState.FAILED, 2));
        assertTrue(p.retries(JobState.TIMEOUT, -1));
        assertFalse(p.retries(JobState.CANCELLED, -1), "a cancel is never retried");
        RetryPolicy signals = new RetryPolicy(null, RetryPolicy.RetryOn.parse("signal"));
        assertTrue(signals.retries(JobState.FAILED, 137));
        assertTrue(signals.retries(JobState.FAILED, -1));
        assertFalse(signals.retries(JobState.FAILED, 1));
        assertFalse(signals.retries(JobState.TIMEOUT, -1));
        assertTrue(new RetryPolicy(null, null).retries(JobState.FAILED, 3), "without rules: any failure");
        assertEquals(0, new RetryPolicy(null, null).delayMillis(JobId.of(1), 1));
        for (String bad : List.of("", "0", "256", "9-2", "oom", "1,,x")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> RetryPolicy.RetryOn.parse(bad), bad);
            assertTrue(e.getMessage().contains("invalid retry-on="), e.getMessage());
        }
    }

    private static LabqConfig config(LabqConfig.Retry projectRetry) {
        return new LabqConfig(new LabqConfig.Machine("2", "4G", List.of()),
                Map.of("p", new LabqConfig.Project(10, 1.0, null, null, projectRetry)), new LabqConfig.Settings(null, null, "p"));
    }

    @Test
    void aFailedAttemptWaitsOutItsBackoffShowingRetryBackoffThenStartsAgain() {
        LabqConfig config = config(null);
        CoreDriver d = new CoreDriver(config, MachineInventory.of(config.machine()), T0);
        JobId job = d.submit(JobSpec.process("p", "u", "train").retries(2)
                .retryPolicy(new RetryPolicy(RetryPolicy.Backoff.parse("fixed:30s"), null)).build());
        assertEquals(List.of(job), d.decide());
        d.apply(new JournalEvent.Finished(job, 1, JobState.FAILED, 1, "exit code 1"));
        long retryAt = d.status(job).retryAtMillis();
        assertTrue(retryAt >= d.now() + 27_000 && retryAt <= d.now() + 33_000, "about 30 s: " + (retryAt - d.now()));
        assertEquals("RetryBackoff", d.reason(job));
        d.advance(retryAt - d.now() - 1);
        assertEquals(List.of(), d.decide(), "not before its time");
        d.advance(1);
        assertEquals(List.of(job), d.decide());
        assertEquals(2, d.status(job).attempt());
        assertNull(d.status(job).retryAtMillis(), "a started attempt waits for nothing");
    }

    @Test
    void aFailureTheRulesDoNotNameEndsTheJobAndAProjectGivesItsDefaults() {
        LabqConfig config = config(new LabqConfig.Retry(3, "exp:5s:1m", "75"));
        JobSpec accepted = new SubmissionValidator(config, MachineInventory.of(config.machine()))
                .accept(JobSpec.process("p", "u", "train").build(), id -> false, T0);
        assertEquals(3, accepted.retries());
        assertEquals("75", accepted.retryPolicy().on().toString());
        JobSpec own = new SubmissionValidator(config, MachineInventory.of(config.machine()))
                .accept(JobSpec.process("p", "u", "train").retries(1).build(), id -> false, T0);
        assertEquals(1, own.retries(), "the job's own retries win");

        CoreDriver d = new CoreDriver(config, MachineInventory.of(config.machine()), T0);
        JobId job = d.submit(accepted);
        d.decide();
        d.apply(new JournalEvent.Finished(job, 1, JobState.FAILED, 2, "exit code 2"));
        assertEquals(JobState.FAILED, d.status(job).state(), "exit 2 is not one it retries");
        assertThrows(InvalidInputException.class, () -> new LabqConfig.Retry(101, null, null));
        assertThrows(InvalidInputException.class, () -> new LabqConfig.Retry(1, "soon", null));
        assertNull(new LabqConfig.Retry(1, null, null).policy());
    }
}
