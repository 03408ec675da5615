package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.policy.priority.ImportanceDeadlineAgePolicy;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline is only a fair comparison if it makes labq's decisions. */
class NaiveDecisionTest {

    @Test
    void dispatchesTheSameJobsInTheSameOrderAsDecisionCore() {
        SteadyState labq = new SteadyState(Decider.of(new DecisionCore(new JobTable(),
                new ResourcePool(JobMix.MACHINE), new ImportanceDeadlineAgePolicy(JobMix.CONFIG))), 300, 7);
        SteadyState naive = new SteadyState(new NaiveDecision(new JobTable(),
                new ResourcePool(JobMix.MACHINE), new ImportanceDeadlineAgePolicy(JobMix.CONFIG)), 300, 7);
        for (int i = 0; i < 3_000; i++) {
            labq.step();
            naive.step();
        }
        assertTrue(labq.dispatches() > 2_000, "the steady state keeps dispatching: " + labq.dispatches());
        assertTrue(labq.idleSteps() > 0, "the mix makes the head of the queue wait sometimes");
        assertEquals(labq.dispatches(), naive.dispatches());
        assertEquals(labq.checksum(), naive.checksum());
    }
}
