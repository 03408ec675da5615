package dev.labq.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SortEveryDecisionQueueTest {

    @Test
    void baselineDecidesLikeLabqOnEveryStepOfTheMix() {
        SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), 300, 7);
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
