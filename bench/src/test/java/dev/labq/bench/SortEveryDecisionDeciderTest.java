package dev.labq.bench;

import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.JobId;
import dev.labq.core.event.JournalEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision-latency baseline is only a fair baseline if it makes labq's decisions, slower. */
class SortEveryDecisionDeciderTest {

    @Test
    void decidesLikeLabqOnEveryStepOfTheMix() {
        for (JobMix.TimeLimits limits : JobMix.TimeLimits.values()) {
            SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), 300, 7, limits);
            long starts = 0;
            long idle = 0;
            for (int i = 0; i < 3_000; i++) {
                int started = state.step(true); // throws when the two decide differently
                starts += started;
                idle += started == 0 ? 1 : 0;
            }
            assertTrue(starts > 2_000, limits + ": the steady state keeps dispatching: " + starts);
            assertTrue(idle > 0, limits + ": the mix makes the head of the queue wait sometimes");
        }
    }

    @Test
    void decidesLikeLabqWhenFollowingMostDecisionsAndAfterAlterationsShareChangesAndRecomputes() {
        SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), 400, 11);
        SplittableRandom random = new SplittableRandom(3);
        String[] projects = {"default", "research", "thesis", "teaching"};
        for (int i = 0; i < 1_500; i++) {
            boolean decides = i % 7 == 0; // otherwise the baseline only follows labq's dispatches
            state.step(decides);
            switch (i % 5) {
                case 1 -> {
                    JobId job = state.randomPendingJob(random);
                    long deadline = state.nowMillis() + 3_600_000L + random.nextLong(40 * 3_600_000L);
                    state.change(new JournalEvent.Altered(job, new Alteration(deadline, null, null, null)), true);
                }
                case 2 -> state.change(new JournalEvent.ProjectSet(projects[random.nextInt(4)], null, null,
                        0.5 + random.nextInt(8) / 2.0), true);
                case 3 -> state.recompute(i % 3 == 0);
                case 4 -> state.change(new JournalEvent.Altered(state.randomPendingJob(random),
                        new Alteration(null, random.nextInt(200), null, null)), decides);
                default -> { }
            }
        }
    }

    @Test
    void sortsReadyJobsInLabqsOrder() {
        SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), 500, 5);
        for (int i = 0; i < 500; i++) {
            state.step(false);
        }
        long now = state.nowMillis();
        List<Long> labq = state.labq().priorities(now, 1_000).stream().map(e -> e.job().id().value()).toList();
        List<Long> baseline = state.baseline().inOrder(now).stream().map(j -> j.id().value()).toList();
        assertEquals(500, baseline.size());
        assertEquals(labq, baseline);
    }

    @Test
    void rebuildsATreeOfEveryReadyJob() {
        SteadyState state = new SteadyState(DecisionLatencyBench.labq(), DecisionLatencyBench.baseline(), 200, 5);
        assertEquals(200, state.baseline().rebuildTree(state.nowMillis()));
    }
}
