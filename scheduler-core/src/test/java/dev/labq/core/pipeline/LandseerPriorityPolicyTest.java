package dev.labq.core.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LandseerPriorityPolicyTest {

    @Test
    void reproducesTheSeedsWorkedExamples() {
        assertEquals(-5, LandseerPriorityPolicy.priority(0, 5));
        assertEquals(-2, LandseerPriorityPolicy.priority(0, 2));
        assertEquals(997, LandseerPriorityPolicy.priority(1, 3));
        assertEquals(1999, LandseerPriorityPolicy.priority(2, 1));
        assertEquals("landseer", LandseerPriorityPolicy.NAME);
    }

    @Test
    void keepsTheFormulaWhereItStopsSeparatingLevels() {
        assertEquals(-2, LandseerPriorityPolicy.priority(1, 1002), "as the seed computes it: below a level-0 task used once");
        assertThrows(ArithmeticException.class, () -> LandseerPriorityPolicy.priority(3_000_000, 1));
    }

    @Test
    void ordersLowestPriorityFirstThenPlanIndex() {
        PipelinePlan plan = PipelinePlanner.plan(LandseerSchedulerTest.seedPriorityExample(OnFailure.FAIL));
        List<PlannedTask> reversed = List.of(plan.tasks().get(3), plan.tasks().get(2), plan.tasks().get(1), plan.tasks().get(0));
        assertEquals(List.of("A", "B", "C", "D"), LandseerPriorityPolicy.order(reversed).stream().map(PlannedTask::name).toList());
        PipelinePlan ties = PipelinePlanner.plan(PipelineSpec.builder("p", null)
                .task(Fixtures.task("x", "x"), Fixtures.task("y", "y")).build());
        assertEquals(List.of("x", "y"), LandseerPriorityPolicy.order(List.of(ties.tasks().get(1), ties.tasks().get(0)))
                .stream().map(PlannedTask::name).toList());
    }
}
