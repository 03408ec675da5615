package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline is only a fair comparison if it makes labq's decisions. */
class NaiveDecisionTest {

    @Test
    void decidesLikeDecisionCoreOnEveryStepOfTheMix() {
        SteadyState state = new SteadyState(
                Decider.of(new DecisionCore(new JobTable(), new ResourcePool(JobMix.MACHINE),
                        new ImportanceDeadlineAgePolicy(JobMix.CONFIG))),
                new NaiveDecision(new JobTable(), new ResourcePool(JobMix.MACHINE),
                        new ImportanceDeadlineAgePolicy(JobMix.CONFIG)),
                300, 7);
        long starts = 0;
        long idle = 0;
        for (int i = 0; i < 3_000; i++) {
            int started = state.step(true); // throws when the two decide differently
            starts += started;
            idle += started == 0 ? 1 : 0;
            assertTrue(state.baselineNanos() >= 0);
        }
        assertTrue(starts > 2_000, "the steady state keeps dispatching: " + starts);
        assertTrue(idle > 0, "the mix makes the head of the queue wait sometimes");
    }
}
