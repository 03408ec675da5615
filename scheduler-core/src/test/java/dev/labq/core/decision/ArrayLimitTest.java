package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.ArraySubmitted;
import dev.labq.core.event.JournalEvent.CancelRequested;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job array's {@code %N}: at most N of its tasks run at once, and it holds back nothing else. */
class ArrayLimitTest {
    private static final MachineInventory MACHINE = new MachineInventory(16, 65_536, List.of());
    private static final JobId ARRAY = JobId.of(1);

    private DecisionCore core;
    private long index;

    private static LabqConfig config(String backfill) {
        return new LabqConfig(new LabqConfig.Machine("16", "64G", List.of()),
                Map.of("lab", new LabqConfig.Project(10), "other", new LabqConfig.Project(1)),
                new LabqConfig.Settings(null, null, "lab", null, backfill, LabqConfig.Settings.POLICY_MULTIFACTOR));
    }

    private DecisionCore core(LabqConfig config, JobTable table) {
        return new DecisionCore(config, table, new UsageLedger(config), new ResourcePool(MACHINE),
                PriorityPolicy.configured(config), RuntimePredictor.timeLimit());
    }

    private static JobSpec task(String project, int cpus) {
        return JobSpec.process(project, "ada", "sweep").resources(new Resources(cpus, 256, 0, null)).timeLimitSeconds(60L).build();
    }

    private void apply(JournalEvent event) {
        index++;
        core.apply(index, index * 1000, event);
    }

    private List<Dispatched> decideAndJournal() {
        List<Dispatched> decisions = core.decide(index * 1000);
        decisions.forEach(this::apply);
        return decisions;
    }

    private long running() {
        return core.table().all().stream().filter(j -> j.state() == JobState.RUNNING).count();
    }

    private String reason(long id) {
        return core.pendingReason(core.table().get(JobId.of(id)));
    }

    @ParameterizedTest(name = "backfill {0}")
    @ValueSource(strings = {LabqConfig.Settings.BACKFILL_NONE, LabqConfig.Settings.BACKFILL_EASY})
    void neverMoreThanTheLimitRunAndEveryTaskRunsInTheEnd(String backfill) {
        core = core(config(backfill), new JobTable());
        apply(new ArraySubmitted(ARRAY, task("lab", 1), ArraySpec.parse("0-19%3")));
        List<Long> order = new java.util.ArrayList<>();
        while (order.size() < 20) {
            decideAndJournal().forEach(d -> order.add(d.job().value()));
            assertEquals(3, running(), "as many as allowed, though 16 CPUs would take more");
            if (order.size() < 20) {
                assertEquals("JobArrayTaskLimit", reason(order.size() + 1));
            }
            JobStatus oldest = core.table().all().stream().filter(j -> j.state() == JobState.RUNNING).findFirst().orElseThrow();
            apply(new Finished(oldest.id(), 1, JobState.COMPLETED, 0, null));
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), order, "every task once, in index order");
    }

    @ParameterizedTest(name = "backfill {0}")
    @ValueSource(strings = {LabqConfig.Settings.BACKFILL_NONE, LabqConfig.Settings.BACKFILL_EASY})
    void anArrayAtItsLimitHoldsBackNoOtherJob(String backfill) {
        core = core(config(backfill), new JobTable());
        apply(new ArraySubmitted(ARRAY, task("lab", 1), ArraySpec.parse("0-9%2")));
        apply(new Submitted(JobId.of(11), task("other", 1)));
        List<JobId> first = decideAndJournal().stream().map(Dispatched::job).toList();
        assertEquals(List.of(JobId.of(1), JobId.of(2), JobId.of(11)), first, "the array's first two, then the other project's job");
        assertEquals("JobArrayTaskLimit", reason(3));
    }

    @Test
    void anArrayWithoutALimitRunsAsManyAsFit() {
        core = core(config(LabqConfig.Settings.BACKFILL_NONE), new JobTable());
        apply(new ArraySubmitted(ARRAY, task("lab", 4), ArraySpec.parse("0-9")));
        assertEquals(4, decideAndJournal().size(), "16 CPUs, 4 each");
        assertEquals("Resources", reason(5));
    }

    @Test
    void aVoidedDispatchGivesItsPlaceBack() {
        core = core(config(LabqConfig.Settings.BACKFILL_NONE), new JobTable());
        apply(new ArraySubmitted(ARRAY, task("lab", 1), ArraySpec.parse("0-4%1")));
        Dispatched d = core.decide(index * 1000).get(0);
        apply(new CancelRequested(d.job())); // journaled before the dispatch, which is then void
        apply(d);
        assertEquals(JobState.CANCELLED, core.table().get(d.job()).state());
        assertEquals(List.of(JobId.of(2)), decideAndJournal().stream().map(Dispatched::job).toList());
    }

    @Test
    void aRestartedCoreCountsTheTasksStillRunning() {
        LabqConfig config = config(LabqConfig.Settings.BACKFILL_NONE);
        core = core(config, new JobTable());
        apply(new ArraySubmitted(ARRAY, task("lab", 1), ArraySpec.parse("0-9%2")));
        decideAndJournal();
        JobTable table = core.table();
        core = core(config, table);
        assertTrue(core.decide(index * 1000).isEmpty(), "two run already");
        assertEquals("JobArrayTaskLimit", reason(3));
        apply(new Finished(JobId.of(1), 1, JobState.FAILED, 1, null));
        assertEquals(List.of(JobId.of(3)), decideAndJournal().stream().map(Dispatched::job).toList());
    }
}
