package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.state.JobStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportanceDeadlineAgePolicyTest {
    private static final LabqConfig CONFIG = new LabqConfig(null,
            Map.of("teaching", new LabqConfig.Project(5), "research", new LabqConfig.Project(50),
                    "thesis", new LabqConfig.Project(100)),
            new LabqConfig.Settings(null, null, "research"));
    private static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    private final ImportanceDeadlineAgePolicy policy = new ImportanceDeadlineAgePolicy(CONFIG);

    private static JobStatus pending(long id, long submitMillis, JobSpec spec) {
        return new JobStatus(JobId.of(id), spec, JobState.PENDING, submitMillis, null, null, 0, 0, 0, null, null,
                null, false, id);
    }

    private static JobSpec.Builder in(String project) {
        return JobSpec.process(project, "ada", "train");
    }

    private List<Long> sorted(JobStatus... jobs) {
        List<JobStatus> list = new ArrayList<>(List.of(jobs));
        Collections.reverse(list);
        list.sort(policy.order());
        return list.stream().map(j -> j.id().value()).toList();
    }

    private boolean before(JobStatus a, JobStatus b) {
        return policy.order().compare(a, b) < 0 && policy.order().compare(b, a) > 0;
    }

    @Test
    void higherImportanceRunsFirst() {
        JobStatus teaching = pending(1, T0, in("teaching").build());
        JobStatus thesis = pending(2, T0 + 10, in("thesis").build());
        assertTrue(before(thesis, teaching));
    }

    @Test
    void ownImportanceOverridesProjects() {
        JobStatus urgentTeaching = pending(1, T0, in("teaching").importance(500).build());
        JobStatus thesis = pending(2, T0, in("thesis").build());
        JobStatus quietThesis = pending(3, T0, in("thesis").importance(0).build());
        assertEquals(List.of(1L, 2L, 3L), sorted(quietThesis, thesis, urgentTeaching));
        assertEquals(500, policy.importance(urgentTeaching));
        assertEquals(0, policy.importance(quietThesis));
        assertEquals(100, policy.importance(thesis));
    }

    @Test
    void unconfiguredProjectCountsAsImportanceZero() {
        assertEquals(0, policy.importance(pending(1, T0, in("gone").build())));
    }

    @Test
    void earlierDeadlineBreaksImportanceTie() {
        JobStatus late = pending(1, T0, in("research").deadlineMillis(T0 + 7_200_000).build());
        JobStatus soon = pending(2, T0 + 5, in("research").deadlineMillis(T0 + 3_600_000).build());
        assertTrue(before(soon, late));
    }

    @Test
    void jobWithDeadlineRunsBeforeJobWithout() {
        JobStatus none = pending(1, T0, in("research").build());
        JobStatus some = pending(2, T0 + 5, in("research").deadlineMillis(Long.MAX_VALUE - 1).build());
        assertTrue(before(some, none));
    }

    @Test
    void deadlineDoesNotBeatImportance() {
        JobStatus urgentLow = pending(1, T0, in("teaching").deadlineMillis(T0).build());
        JobStatus relaxedHigh = pending(2, T0, in("thesis").build());
        assertTrue(before(relaxedHigh, urgentLow));
    }

    @Test
    void olderSubmissionBreaksDeadlineTie() {
        JobStatus newer = pending(1, T0 + 1, in("research").build());
        JobStatus older = pending(2, T0, in("research").build());
        assertTrue(before(older, newer));
    }

    @Test
    void lowerIdBreaksFullTie() {
        JobStatus a = pending(7, T0, in("research").build());
        JobStatus b = pending(8, T0, in("research").build());
        assertTrue(before(a, b));
        assertEquals(0, policy.order().compare(a, a));
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
        JobStatus job = pending(1, T0, in("research").build());
        assertEquals("importance=50 (project research) deadline=none submitted=2026-06-01T00:00:00Z",
                policy.explain(job));
    }

    @Test
    void explainShowsOwnImportanceAndDeadline() {
        JobStatus job = pending(1, T0, in("research").importance(7).deadlineMillis(T0 + 3_600_000).build());
        assertEquals("importance=7 deadline=2026-06-01T01:00:00Z submitted=2026-06-01T00:00:00Z",
                policy.explain(job));
    }
}
