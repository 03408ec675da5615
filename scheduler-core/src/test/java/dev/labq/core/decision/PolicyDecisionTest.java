package dev.labq.core.decision;

import dev.labq.core.config.Budget;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.testkit.CoreDriver;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multifactor policy, budgets and explanations as the decision core applies them. */
class PolicyDecisionTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final long MINUTE = 60_000L;
    private static final MachineInventory MACHINE = new MachineInventory(4, 16_384, List.of(
            new MachineInventory.GpuDevice(0, "a100", 81_920), new MachineInventory.GpuDevice(1, "a100", 81_920)));

    private static LabqConfig config(Map<String, LabqConfig.Project> projects) {
        return new LabqConfig(new LabqConfig.Machine("4", "16G", List.of()), projects,
                new LabqConfig.Settings(null, null, projects.keySet().iterator().next()));
    }

    private static JobSpec.Builder job(String project, int cpus, int gpus) {
        return JobSpec.process(project, "ada", "train").resources(new Resources(cpus, 256, gpus, null)).timeLimitSeconds(600L);
    }

    @Test
    void aMoreImportantProjectGoesFirstAndExplainAddsUp() {
        CoreDriver d = new CoreDriver(config(Map.of("low", new LabqConfig.Project(5), "high", new LabqConfig.Project(100))),
                MACHINE, T0);
        JobId blocker = d.submit(job("low", 4, 0).build());
        assertEquals(List.of(blocker), d.decide());
        JobId low = d.submit(job("low", 4, 0).build());
        JobId high = d.submit(job("high", 4, 0).build());
        d.advance(MINUTE);
        assertEquals(List.of(), d.decide());
        Explanation e = d.core().explain(low, d.now(), 10);
        assertEquals("Priority", e.reason());
        assertEquals(List.of(high), e.ahead());
        assertEquals(1, e.aheadCount());
        double sum = e.priority().factors().stream().mapToDouble(Priority.Factor::contribution).sum();
        assertEquals(e.priority().value(), sum, Math.abs(sum) * 0.01);
        assertEquals("Resources", d.core().explain(high, d.now(), 10).reason());
        assertEquals(T0 + 10 * MINUTE, d.core().explain(high, d.now(), 10).estimatedStartMillis(),
                "when the running job reaches its 10 min limit");
        assertEquals(T0 + 20 * MINUTE, e.estimatedStartMillis(), "after the high job's 10 minutes");
        d.finish(blocker);
        assertEquals(List.of(high), d.decide());
        assertEquals("multifactor@1", d.status(high).decidedBy().policy());
        assertTrue(d.status(high).decidedBy().factors().containsKey("fairshare"));
    }

    @Test
    void alterOfADeadlineReordersOnTheNextDecision() {
        CoreDriver d = new CoreDriver(config(Map.of("lab", new LabqConfig.Project(10))), MACHINE, T0);
        JobId blocker = d.submit(job("lab", 4, 0).build());
        d.decide();
        JobId first = d.submit(job("lab", 4, 0).build());
        JobId second = d.submit(job("lab", 4, 0).build());
        d.decide();
        assertEquals(List.of(first), d.core().explain(second, d.now(), 10).ahead());
        d.apply(new JournalEvent.Altered(second, new Alteration(d.now() + 30 * MINUTE, null, null, null)));
        d.decide();
        assertEquals(List.of(second), d.core().explain(first, d.now(), 10).ahead());
        assertEquals(0, d.core().explain(second, d.now(), 10).aheadCount());
        d.finish(blocker);
        assertEquals(List.of(second), d.decide());
    }

    @Test
    void projectSetChangesTheOrderAtOnce() {
        CoreDriver d = new CoreDriver(config(Map.of("a", new LabqConfig.Project(10), "b", new LabqConfig.Project(20))),
                MACHINE, T0);
        JobId blocker = d.submit(job("a", 4, 0).build());
        d.decide();
        d.finish(blocker); // a now has usage: b is ahead on both importance and fair share
        JobId blocker2 = d.submit(job("b", 4, 0).build());
        d.decide();
        JobId a = d.submit(job("a", 4, 0).build());
        JobId b = d.submit(job("b", 4, 0).build());
        d.decide();
        d.apply(new JournalEvent.ProjectSet("a", null, 1_000_000, 100.0));
        d.decide();
        assertEquals(0, d.core().explain(a, d.now(), 10).aheadCount());
        d.finish(blocker2);
        assertEquals(List.of(a), d.decide());
        assertNotNull(b);
    }

    @Test
    void aCappedProjectNeverHoldsMoreAndItsWaitingJobsDoNotBlockOthers() {
        CoreDriver d = new CoreDriver(config(Map.of(
                "capped", new LabqConfig.Project(100, 1.0, Budget.caps(null, null, 1), null),
                "other", new LabqConfig.Project(1))), MACHINE, T0);
        JobId c1 = d.submit(job("capped", 1, 1).build());
        JobId c2 = d.submit(job("capped", 1, 1).build());
        JobId c3 = d.submit(job("capped", 1, 1).build());
        JobId o = d.submit(job("other", 1, 1).build());
        assertEquals(List.of(c1, o), d.decide(), "c2 and c3 wait on the cap; the other project's job passes them");
        assertEquals("BudgetCap(project=capped, gpus)", d.reason(c2));
        assertEquals("BudgetCap(project=capped, gpus)", d.reason(c3));
        Explanation e = d.core().explain(c2, d.now(), 10);
        assertNull(e.estimatedStartMillis());
        assertEquals(1, e.budget().project().held().gpus());
        d.finish(c1);
        assertEquals(List.of(c2), d.decide());
        d.finish(c2);
        assertEquals(List.of(c3), d.decide());
    }

    @Test
    void noProjectStarvesWhateverItsImportance() {
        // one job at a time; "vip" always has jobs waiting, "small" submits one job and waits
        CoreDriver d = new CoreDriver(config(Map.of("vip", new LabqConfig.Project(1_000_000), "small", new LabqConfig.Project(0))),
                MACHINE, T0);
        for (int i = 0; i < 5; i++) {
            d.submit(job("vip", 4, 0).build());
        }
        JobId small = d.submit(job("small", 4, 0).build());
        Map<String, Integer> starts = new HashMap<>();
        for (int step = 0; step < 200 && d.status(small).startMillis() == null; step++) {
            for (JobId started : d.decide()) {
                starts.merge(d.status(started).spec().project(), 1, Integer::sum);
                d.advance(10 * MINUTE);
                d.finish(started);
                d.submit(job("vip", 4, 0).build());
            }
        }
        assertNotNull(d.status(small).startMillis(), "the unimportant project's job ran after " + starts);
    }

    @Test
    void equalJobsStartInSubmissionOrderWhenSubmittedBetweenRecomputes() {
        CoreDriver d = new CoreDriver(config(Map.of("lab", new LabqConfig.Project(10))), MACHINE, T0);
        JobId blocker = d.submit(job("lab", 4, 0).build());
        d.decide();
        List<JobId> waiting = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            d.advance(5_000); // decisions in between, but no recompute (every 60 s)
            waiting.add(d.submit(job("lab", 4, 0).build()));
            d.decide();
        }
        d.finish(blocker);
        List<JobId> order = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<JobId> started = d.decide();
            order.addAll(started);
            started.forEach(d::finish);
        }
        assertEquals(waiting, order);
    }

    @Test
    void backfillLooksBehindTheHeadAtTheWholeQueue() {
        CoreDriver d = new CoreDriver(config(Map.of("lab", new LabqConfig.Project(10))), MACHINE, T0);
        JobId running = d.submit(job("lab", 3, 0).build());
        d.decide();
        JobId head = d.submit(job("lab", 4, 0).timeLimitSeconds(600L).build());
        for (int i = 0; i < 1000; i++) { // too long to end before the head's reservation, and one CPU does not fit beside it
            d.submit(job("lab", 1, 0).timeLimitSeconds(3600L).build());
        }
        JobId shortOne = d.submit(job("lab", 1, 0).timeLimitSeconds(60L).build());
        assertEquals(List.of(shortOne), d.decide(), "the 1002nd job ends before the head's reserved start");
        assertEquals("Resources", d.reason(head));
        assertTrue(d.status(shortOne).decidedBy().backfilled());
        assertNotNull(running);
    }

    /**
     * A strict allowance weighs each job's time limit, so one group of same-shaped jobs can hold a job that
     * fits what remains and one that does not: the one that fits starts (here by backfill, as it ends before
     * the waiting head's reservation), the other waits with its reason, and the head keeps its place.
     */
    @Test
    void aStrictAllowanceStartsTheJobsWhoseLimitFitsAndHoldsTheRest() {
        Budget strictHour = new Budget(null, null, null, 1.0, null, "none", null, true);
        CoreDriver d = new CoreDriver(config(Map.of("other", new LabqConfig.Project(50),
                "s", new LabqConfig.Project(10, 1.0, strictHour, null))), MACHINE, T0);
        JobId first = d.submit(job("s", 1, 0).timeLimitSeconds(1200L).build());
        assertEquals(List.of(first), d.decide());
        d.advance(20 * MINUTE);
        d.finish(first); // 1200 of 3600 CPU-seconds used
        JobId running = d.submit(job("other", 3, 0).timeLimitSeconds(3600L).build());
        assertEquals(List.of(running), d.decide());
        JobId head = d.submit(job("other", 4, 0).build());
        JobId tooLong = d.submit(job("s", 1, 0).timeLimitSeconds(3000L).build()); // 3000 > 2400 left
        d.advance(MINUTE);
        JobId fits = d.submit(job("s", 1, 0).timeLimitSeconds(600L).build());
        d.advance(MINUTE);
        assertEquals(List.of(fits), d.decide());
        assertTrue(d.status(fits).decidedBy().backfilled());
        assertEquals("Resources", d.reason(head));
        assertTrue(d.reason(tooLong).startsWith("BudgetAllowance(project=s"), d.reason(tooLong));
        d.finish(running);
        d.finish(fits);
        assertEquals(List.of(head), d.decide(), "the head first; the long job still does not fit the allowance");
        assertTrue(d.reason(tooLong).startsWith("BudgetAllowance"), d.reason(tooLong));
    }
}
