package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * labq's first policy: the order jobs start in (checked through a {@link DecisionCore} that runs it, on a
 * machine where every job fits) and the priority it explains.
 */
class ImportanceDeadlineAgePolicyTest {
    private static final LabqConfig CONFIG = new LabqConfig(null,
            Map.of("teaching", new LabqConfig.Project(5), "research", new LabqConfig.Project(50),
                    "thesis", new LabqConfig.Project(100)),
            new LabqConfig.Settings(null, null, "research", null, null,
                    LabqConfig.Settings.POLICY_IMPORTANCE_DEADLINE_AGE));
    /** Room for every job of a test at once, so the order of the decisions is the policy's order. */
    private static final MachineInventory MACHINE = new MachineInventory(64, 64 * 1024, List.of());
    private static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    private final ImportanceDeadlineAgePolicy policy = new ImportanceDeadlineAgePolicy();
    /** What {@code labq project set} changed, folded into every ledger the tests build. */
    private final List<JournalEvent.ProjectSet> projectSets = new ArrayList<>();

    private static JobStatus pending(long id, long submitMillis, JobSpec spec) {
        return new JobStatus(JobId.of(id), spec, JobState.PENDING, submitMillis, null, null, 0, 0, 0, null, null,
                null, false, id);
    }

    private static JobSpec.Builder in(String project) {
        return JobSpec.process(project, "ada", "train");
    }

    private UsageLedger ledger() {
        UsageLedger ledger = new UsageLedger(CONFIG);
        for (int i = 0; i < projectSets.size(); i++) {
            ledger.apply(i + 1, T0, projectSets.get(i), List.of());
        }
        return ledger;
    }

    private PolicyContext context() {
        return new PolicyContext(T0, CONFIG, ledger(), RuntimePredictor.timeLimit(), MACHINE);
    }

    /** The ids in the order a decision core running the policy starts them, given in {@code jobs}' order. */
    private List<Long> started(List<JobStatus> jobs) {
        JobTable table = new JobTable();
        jobs.forEach(table::restore);
        DecisionCore core = new DecisionCore(CONFIG, table, ledger(), new ResourcePool(MACHINE), policy,
                RuntimePredictor.timeLimit());
        List<Dispatched> decisions = core.decide(T0 + 1_000);
        assertEquals(jobs.size(), decisions.size(), "every job fits");
        return decisions.stream().map(d -> d.job().value()).toList();
    }

    /** The start order, the same whichever order the jobs were restored in. */
    private List<Long> sorted(JobStatus... jobs) {
        List<JobStatus> forward = List.of(jobs);
        List<JobStatus> backward = new ArrayList<>(forward);
        Collections.reverse(backward);
        List<Long> order = started(forward);
        assertEquals(order, started(backward), "the order does not depend on the order of arrival");
        return order;
    }

    private void assertBefore(JobStatus first, JobStatus second) {
        assertEquals(List.of(first.id().value(), second.id().value()), sorted(first, second));
    }

    @Test
    void higherImportanceRunsFirst() {
        JobStatus teaching = pending(1, T0, in("teaching").build());
        JobStatus thesis = pending(2, T0 + 10, in("thesis").build());
        assertBefore(thesis, teaching);
    }

    @Test
    void ownImportanceOverridesProjects() {
        JobStatus urgentTeaching = pending(1, T0, in("teaching").importance(500).build());
        JobStatus thesis = pending(2, T0, in("thesis").build());
        JobStatus quietThesis = pending(3, T0, in("thesis").importance(0).build());
        assertEquals(List.of(1L, 2L, 3L), sorted(quietThesis, thesis, urgentTeaching));
        assertEquals(500, policy.jobKey(urgentTeaching, context()));
        assertEquals(0, policy.jobKey(quietThesis, context()));
        assertEquals(100, policy.jobKey(thesis, context()));
        assertEquals(500, policy.priority(urgentTeaching, context()).value());
    }

    @Test
    void unconfiguredProjectCountsAsImportanceZero() {
        assertEquals(0, policy.jobKey(pending(1, T0, in("gone").build()), context()));
        assertEquals(0, policy.priority(pending(1, T0, in("gone").build()), context()).value());
    }

    @Test
    void importanceSetByAnAdministratorOverridesTheConfiguredOne() {
        projectSets.add(new JournalEvent.ProjectSet("teaching", null, 200, null));
        JobStatus teaching = pending(1, T0, in("teaching").build());
        JobStatus thesis = pending(2, T0, in("thesis").build());
        assertEquals(200, policy.jobKey(teaching, context()));
        assertBefore(teaching, thesis);
    }

    @Test
    void earlierDeadlineBreaksImportanceTie() {
        JobStatus late = pending(1, T0, in("research").deadlineMillis(T0 + 7_200_000).build());
        JobStatus soon = pending(2, T0 + 5, in("research").deadlineMillis(T0 + 3_600_000).build());
        assertBefore(soon, late);
        assertEquals(T0 + 3_600_000, policy.tiebreak(soon));
    }

    @Test
    void jobWithDeadlineRunsBeforeJobWithout() {
        JobStatus none = pending(1, T0, in("research").build());
        JobStatus some = pending(2, T0 + 5, in("research").deadlineMillis(Long.MAX_VALUE - 1).build());
        assertBefore(some, none);
        assertEquals(Long.MAX_VALUE, policy.tiebreak(none));
    }

    @Test
    void deadlineDoesNotBeatImportance() {
        JobStatus urgentLow = pending(1, T0, in("teaching").deadlineMillis(T0).build());
        JobStatus relaxedHigh = pending(2, T0, in("thesis").build());
        assertBefore(relaxedHigh, urgentLow);
    }

    @Test
    void olderSubmissionBreaksDeadlineTie() {
        JobStatus newer = pending(1, T0 + 1, in("research").build());
        JobStatus older = pending(2, T0, in("research").build());
        assertBefore(older, newer);
    }

    @Test
    void lowerIdBreaksFullTie() {
        JobStatus a = pending(7, T0, in("research").build());
        JobStatus b = pending(8, T0, in("research").build());
        assertBefore(a, b);
    }

    @Test
    void ordersAMixedQueueByEveryRuleInTurn() {
        assertEquals(List.of(5L, 3L, 4L, 1L, 2L, 6L), sorted(
                pending(1, T0, in("research").build()),
                pending(2, T0, in("research").build()),
                pending(3, T0 + 9, in("research").deadlineMillis(T0 + 10).build()),
                pending(4, T0 + 9, in("research").deadlineMillis(T0 + 20).build()),
                pending(5, T0 + 99, in("thesis").build()),
                pending(6, T0 - 1, in("teaching").build())));
    }

    @Test
    void explainNamesProjectImportanceWhenTheJobHasNone() {
        Priority p = policy.priority(pending(1, T0, in("research").build()), context());
        assertEquals("importance 50.0 = 50.0", p.explain());
        assertEquals("project research", p.factors().get(0).detail());
        assertEquals(Long.MAX_VALUE, p.tiebreak(), "no deadline: after every job with one");
    }

    @Test
    void explainShowsOwnImportanceAndDeadline() {
        Priority p = policy.priority(pending(1, T0, in("research").importance(7).deadlineMillis(T0 + 3_600_000).build()),
                context());
        assertEquals("importance 7.0 = 7.0", p.explain());
        assertEquals("the job's own", p.factors().get(0).detail());
        assertEquals(T0 + 3_600_000, p.tiebreak(), "the deadline breaks ties");
    }

    @Test
    void isChosenByItsNameAndRecordedWithItsVersion() {
        assertInstanceOf(ImportanceDeadlineAgePolicy.class, PriorityPolicy.configured(CONFIG));
        assertEquals("importance-deadline-age@1", policy.id());
    }
}
