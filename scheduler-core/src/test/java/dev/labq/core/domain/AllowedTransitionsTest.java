package dev.labq.core.domain;

import dev.labq.core.LabqException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Set;

import static dev.labq.core.domain.JobState.*;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllowedTransitionsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PENDING, HELD", "PENDING, RUNNING", "PENDING, CANCELLED",
            "HELD, PENDING", "HELD, CANCELLED",
            "RUNNING, COMPLETED", "RUNNING, FAILED", "RUNNING, CANCELLED", "RUNNING, TIMEOUT", "RUNNING, PREEMPTED",
            "RUNNING, REQUEUED", "RUNNING, PENDING", "PREEMPTED, REQUEUED", "PREEMPTED, PENDING", "PREEMPTED, CANCELLED",
            "REQUEUED, PENDING", "REQUEUED, CANCELLED",
            "FAILED, PENDING", "CANCELLED, PENDING", "TIMEOUT, PENDING",
    })
    void allowsEveryChangeInTheTable(JobState from, JobState to) {
        assertTrue(AllowedTransitions.isAllowed(from, to));
        assertDoesNotThrow(() -> AllowedTransitions.check(JobId.of(1), from, to));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PENDING, COMPLETED", "PENDING, FAILED", "PENDING, PENDING", "PENDING, PREEMPTED",
            "HELD, RUNNING", "HELD, HELD", "HELD, COMPLETED",
            "RUNNING, HELD", "RUNNING, RUNNING",
            "PREEMPTED, RUNNING", "PREEMPTED, HELD",
            "REQUEUED, RUNNING", "REQUEUED, HELD",
            "COMPLETED, PENDING", "FAILED, RUNNING", "CANCELLED, HELD", "TIMEOUT, REQUEUED", "FAILED, COMPLETED",
    })
    void refusesChangesOutsideTheTable(JobState from, JobState to) {
        assertFalse(AllowedTransitions.isAllowed(from, to));
    }

    @Test
    void tableHasExactlyTheDocumentedPairs() {
        int allowed = 0;
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                if (AllowedTransitions.isAllowed(from, to)) {
                    allowed++;
                }
            }
        }
        assertEquals(20, allowed);
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"})
    void endedJobsChangeOnlyWhenAUserRequeuesAnUnsuccessfulOne(JobState terminal) {
        assertTrue(terminal.isTerminal());
        for (JobState to : JobState.values()) {
            boolean requeue = terminal != JobState.COMPLETED && to == JobState.PENDING;
            assertEquals(requeue, AllowedTransitions.isAllowed(terminal, to), terminal + " -> " + to);
        }
    }

    @Test
    void onlyFourStatesAreTerminal() {
        Set<JobState> terminal = EnumSet.noneOf(JobState.class);
        for (JobState s : JobState.values()) {
            if (s.isTerminal()) {
                terminal.add(s);
            }
        }
        assertEquals(EnumSet.of(COMPLETED, FAILED, CANCELLED, TIMEOUT), terminal);
    }

    @Test
    void checkThrowsNamedExceptionCarryingJobAndStates() {
        IllegalJobStateChangeException e = assertThrows(IllegalJobStateChangeException.class,
                () -> AllowedTransitions.check(JobId.of(42), COMPLETED, RUNNING));
        assertEquals(JobId.of(42), e.job());
        assertSame(COMPLETED, e.from());
        assertSame(RUNNING, e.to());
        assertEquals(LabqException.Kind.ILLEGAL_STATE, e.kind());
        assertEquals("job=42 is COMPLETED and cannot become RUNNING; see `labq stat 42` for its state", e.getMessage());
    }
}
