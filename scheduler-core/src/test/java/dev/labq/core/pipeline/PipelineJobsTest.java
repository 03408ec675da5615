package dev.labq.core.pipeline;

import dev.labq.core.LabqHome;
import dev.labq.core.client.JobsReader;
import dev.labq.core.client.PipelineSubmission;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.PipelineTask;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.intake.JournalLookup;
import dev.labq.core.state.JobStatus;
import dev.labq.core.state.JobTable;
import dev.labq.core.testkit.CoreDriver;
import dev.labq.store.Journal;
import dev.labq.store.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plan's tasks as the jobs of one journal entry: expanded by the fold, read back, ordered by Landseer's policy. */
class PipelineJobsTest {
    private static final long T0 = 1_767_225_600_000L;

    private static TaskSpec task(String name, String... after) {
        return TaskSpec.builder(name).tool(name).run("run", name).after(after).build();
    }

    /** A -> B, A -> C: the shared first task of two workflows. */
    private static PipelinePlan shared(boolean landseer) {
        PipelineSpec.Builder b = PipelineSpec.builder("shared", "default")
                .workflow("one", task("a"), task("b", "a"))
                .workflow("two", task("a"), task("c", "a"));
        if (landseer) {
            b.landseerPolicy();
        }
        return PipelinePlanner.plan(b.build());
    }

    private static List<JobSpec> accepted(PipelinePlan plan) {
        List<JobSpec> specs = new ArrayList<>();
        for (int i = 0; i < plan.tasks().size(); i++) {
            specs.add(plan.jobSpec(i, "ana", List.of()));
        }
        return specs;
    }

    @Test
    void tasksBecomeJobsOfOneBlockEachAfterItsDependenciesJobs() {
        PipelinePlan plan = shared(true);
        JournalEvent.JobsSubmitted entry = PipelineJobs.of(plan, 40, accepted(plan));
        assertEquals(JobId.of(40), entry.job());
        assertEquals(3, entry.jobs().size());
        assertEquals(JobId.of(42), entry.jobOf(2));
        assertEquals(List.of(), entry.jobs().get(0).afterOk());
        assertEquals(List.of(JobId.of(40)), entry.jobs().get(1).afterOk());
        assertEquals(List.of(JobId.of(40)), entry.jobs().get(2).afterOk());
        PipelineTask first = entry.jobs().get(0).pipeline();
        assertEquals(new PipelineTask(40, "shared", "task_1", plan.tasks().get(0).taskKey(), null, List.of("one", "two"), 2, 0, -2),
                first);
        assertEquals(999, entry.jobs().get(1).pipeline().rank());
        assertNull(PipelineJobs.of(shared(false), 40, accepted(shared(false))).jobs().get(0).pipeline().rank(),
                "ranked only when the pipeline asks for Landseer's order");
        JournalEvent decoded = EventCodec.decode(new dev.labq.store.JournalEntry(7, EventCodec.typeOf(entry),
                EventCodec.PAYLOAD_VERSION, T0, EventCodec.encode(entry)));
        assertEquals(entry, decoded);
    }

    @Test
    void theFoldExpandsTheEntryOnceAndAFailedTaskEndsItsConsumers() {
        PipelinePlan plan = shared(false);
        JournalEvent.JobsSubmitted entry = PipelineJobs.of(plan, 1, accepted(plan));
        JobTable table = new JobTable();
        assertEquals(3, table.apply(1, T0, entry).size());
        assertEquals(List.of(), table.apply(1, T0, entry), "replayed: nothing new");
        assertTrue(table.dependenciesMet(table.get(JobId.of(1))));
        assertFalse(table.dependenciesMet(table.get(JobId.of(2))));
        assertEquals(List.of(JobId.of(2), JobId.of(3)), table.dependentsOf(JobId.of(1)));

        table.apply(2, T0, new JournalEvent.CancelRequested(JobId.of(1)));
        List<JobStatus> jobs = PipelineJobs.jobsOf(1, table.all());
        assertEquals(3, jobs.size());
        assertTrue(jobs.get(1).reason().startsWith("DependencyNeverSatisfied"), jobs.get(1).reason());
        PipelineProgress progress = PipelineJobs.progress(jobs);
        assertEquals(new Progress(3, 0, 0, 0, 3), progress.total());
        assertEquals(new Progress(2, 0, 0, 0, 2), progress.byWorkflow().get("one"));
        assertEquals(List.of(), PipelineJobs.jobsOf(99, table.all()));
    }

    @Test
    void landseerStatusesOfJobStates() {
        assertEquals(TaskStatus.PENDING, PipelineJobs.statusOf(JobState.HELD));
        assertEquals(TaskStatus.PENDING, PipelineJobs.statusOf(JobState.PENDING));
        assertEquals(TaskStatus.RUNNING, PipelineJobs.statusOf(JobState.RUNNING));
        assertEquals(TaskStatus.COMPLETED, PipelineJobs.statusOf(JobState.COMPLETED));
        assertEquals(TaskStatus.FAILED, PipelineJobs.statusOf(JobState.TIMEOUT));
        assertEquals(TaskStatus.FAILED, PipelineJobs.statusOf(JobState.CANCELLED));
    }

    /**
     * w1 = [a, c, b], w2 = [c, b], w3 = [b], no dependencies: counters 1, 2, 3, Landseer priorities -1, -2, -3.
     * On one CPU the jobs start one at a time: by Landseer's priority (b, c, a) when the pipeline asks for it,
     * else in submission order (a, c, b).
     */
    @Test
    void aLandseerPipelineStartsItsReadyTasksInLandseersOrder() {
        for (boolean landseer : List.of(true, false)) {
            PipelineSpec.Builder b = PipelineSpec.builder("order", "p")
                    .workflow("w1", task("a"), task("c"), task("b"))
                    .workflow("w2", task("c"), task("b"))
                    .workflow("w3", task("b"));
            if (landseer) {
                b.landseerPolicy();
            }
            PipelinePlan plan = PipelinePlanner.plan(b.build());
            MachineInventory machine = new MachineInventory(1, 4096, List.of());
            LabqConfig config = new LabqConfig(new LabqConfig.Machine("1", "4G", List.of()),
                    Map.of("p", new LabqConfig.Project(10)), new LabqConfig.Settings(null, null, "p"));
            CoreDriver d = new CoreDriver(config, machine, T0);
            d.apply(PipelineJobs.of(plan, 1, accepted(plan)));
            List<String> started = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                d.advance(1000);
                List<JobId> now = d.decide();
                assertEquals(1, now.size());
                started.add(d.status(now.get(0)).spec().name());
                d.finish(now.get(0));
            }
            assertEquals(landseer ? List.of("b", "c", "a") : List.of("a", "c", "b"), started, "landseer=" + landseer);
        }
    }

    @Test
    void aSubmissionIsOneEntryOrNothing(@TempDir Path dir) {
        LabqHome home = LabqHome.of(dir.resolve("home"));
        JobId first = PipelineSubmission.submit(home, shared(true), "ana");
        assertEquals(JobId.of(1), first);
        JobTable table = JobsReader.fold(home);
        assertEquals(3, PipelineJobs.jobsOf(1, table.all()).size());
        assertEquals("default", table.get(JobId.of(3)).spec().project());
        try (Journal journal = Journal.openReadOnly(home.journal()); JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            assertTrue(reader.next() != null && reader.next() == null, "one entry");
            assertTrue(JournalLookup.submittedAfter(journal, Journal.BEFORE_FIRST, JobId.of(3)), "inside the block");
            assertFalse(JournalLookup.submittedAfter(journal, Journal.BEFORE_FIRST, JobId.of(4)));
        }
        assertEquals(JobId.of(4), PipelineSubmission.submit(home, shared(false), "ana"), "the next block follows");

        PipelinePlan tooBig = PipelinePlanner.plan(PipelineSpec.builder("big", "default")
                .task(TaskSpec.builder("ok").run("true").build(),
                        TaskSpec.builder("huge").run("true").resources(new Resources(100_000, 1024, 0, null)).build())
                .build());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PipelineSubmission.submit(home, tooBig, "ana"));
        assertTrue(e.getMessage().contains("task huge: cpus"), e.getMessage());
        assertEquals(6, JobsReader.fold(home).all().size(), "the refused one wrote nothing");
    }

    @Test
    void anEntryTooLargeForOneRecordIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        List<JobSpec> specs = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            StringBuilder name = new StringBuilder();
            for (int c = 0; c < 500; c++) {
                name.append(Integer.toHexString(random.nextInt(16))); // hardly compresses
            }
            specs.add(JobSpec.process("p", "u", "true").name(name.toString()).build());
        }
        try (Journal journal = Journal.open(dir.resolve("journal"), dir.resolve("ids"))) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> EventCodec.appendJobs(journal, T0,
                    specs.size(), first -> new JournalEvent.JobsSubmitted(JobId.of(first), specs)));
            assertTrue(e.getMessage().contains("jobs=4000 at once") && e.getMessage().contains("split them"), e.getMessage());
            assertEquals(1, journal.appendNumbered(0, 1, T0, n -> new byte[0]).number(), "no ids taken, nothing written");
        }
    }

    /**
     * a (10 min) -> b (30 min) -> d (5 min), a -> c (60 min): the rest of a's critical path is c's hour, of b
     * d's 5 minutes, of c and d nothing; each task's deadline is the pipeline's less that.
     */
    @Test
    void aPipelineDeadlineReachesEachTaskAlongTheRestOfItsCriticalPath(@TempDir Path dir) {
        PipelineSpec spec = PipelineSpec.builder("deadline", "default").deadline("+4h")
                .task(TaskSpec.builder("a").run("a").timeLimitSeconds(600L).build(),
                        TaskSpec.builder("b").run("b").timeLimitSeconds(1800L).after("a").build(),
                        TaskSpec.builder("c").run("c").timeLimitSeconds(3600L).after("a").build(),
                        TaskSpec.builder("d").run("d").timeLimitSeconds(300L).after("b").build())
                .build();
        PipelinePlan plan = PipelinePlanner.plan(spec);
        assertEquals(List.of(3_600_000L, 300_000L, 0L, 0L),
                java.util.Arrays.stream(PipelineJobs.restOfCriticalPathMillis(plan)).boxed().toList());
        JournalEvent.JobsSubmitted entry = PipelineJobs.of(plan, 1, accepted(plan), T0);
        assertEquals(List.of(T0 - 3_600_000L, T0 - 300_000L, T0, T0),
                entry.jobs().stream().map(JobSpec::deadlineMillis).toList());
        assertNull(PipelineJobs.of(plan, 1, accepted(plan)).jobs().get(0).deadlineMillis(), "no pipeline deadline, none");

        LabqHome home = LabqHome.of(dir.resolve("home"));
        long before = System.currentTimeMillis();
        PipelineSubmission.submit(home, plan, "ana");
        JobTable table = JobsReader.fold(home);
        long a = table.get(JobId.of(1)).spec().deadlineMillis();
        long c = table.get(JobId.of(3)).spec().deadlineMillis();
        assertEquals(3_600_000L, c - a, "a's deadline is c's hour earlier");
        assertTrue(c >= before + 4 * 3_600_000L - 60_000 && c <= System.currentTimeMillis() + 4 * 3_600_000L, "c: +4h");
        PipelinePlan late = PipelinePlanner.plan(PipelineSpec.builder("late", "default").deadline("2001-01-01T00:00:00Z")
                .task(TaskSpec.builder("t").run("t").build()).build());
        InvalidInputException past = assertThrows(InvalidInputException.class, () -> PipelineSubmission.submit(home, late, "ana"));
        assertTrue(past.getMessage().contains("in the past"), past.getMessage());
    }

    @Test
    void manyJobsAtOnceAreOneEntryOrNothing(@TempDir Path dir) {
        LabqHome home = LabqHome.of(dir.resolve("home"));
        List<JobSpec> jobs = List.of(JobSpec.process(null, "ana", "true").build(), JobSpec.process(null, "ana", "false").build());
        assertEquals(JobId.of(1), PipelineSubmission.submitAll(home, jobs));
        assertEquals("default", JobsReader.fold(home).get(JobId.of(2)).spec().project());
        List<JobSpec> withBad = List.of(JobSpec.process(null, "ana", "true").build(),
                JobSpec.process(null, "ana", "true").resources(new Resources(100_000, 1, 0, null)).build());
        assertTrue(assertThrows(InvalidInputException.class, () -> PipelineSubmission.submitAll(home, withBad))
                .getMessage().contains("job 2: cpus"));
        assertThrows(InvalidInputException.class, () -> PipelineSubmission.submitAll(home, List.of()));
        List<JobSpec> after = List.of(JobSpec.process(null, "ana", "true").afterOk(JobId.of(2)).build());
        assertEquals(JobId.of(3), PipelineSubmission.submitAll(home, after));
        assertEquals(3, JobsReader.fold(home).all().size());
    }

    private static PipelineSpec.Builder acrossPipelines(String name) {
        return PipelineSpec.builder(name, "p").dedup(DedupScope.PROJECT);
    }

    /**
     * dedup: project: a second pipeline with the first one's prepare task (same tool, config, dependencies) waits
     * for that job instead of running it again, and completes when it does; its own new task follows.
     */
    @Test
    void underProjectDedupAnIdenticalTaskOfALaterPipelineReusesTheEarlierJob() {
        MachineInventory machine = new MachineInventory(4, 4096, List.of());
        LabqConfig config = new LabqConfig(new LabqConfig.Machine("4", "4G", List.of()),
                Map.of("p", new LabqConfig.Project(10), "q", new LabqConfig.Project(10)), new LabqConfig.Settings(null, null, "p"));
        CoreDriver d = new CoreDriver(config, machine, T0);
        PipelinePlan first = PipelinePlanner.plan(acrossPipelines("first").task(task("prep"), task("train", "prep")).build());
        d.apply(PipelineJobs.of(first, 1, accepted(first)));
        assertEquals(List.of(JobId.of(1)), d.decide(), "prep runs; train waits for it");

        PriorResults prior = PipelineJobs.priorResults(d.core().table().all(), "p");
        assertEquals(java.util.Optional.of("1"), prior.find(first.tasks().get(0).taskKey()), "a running job is a result to come");
        assertEquals(java.util.Optional.empty(), PipelineJobs.priorResults(d.core().table().all(), "q").find(first.tasks().get(0).taskKey()),
                "another project's is not");
        PipelinePlan second = PipelinePlanner.plan(acrossPipelines("second").task(task("prep"), task("eval", "prep")).build(), prior);
        assertEquals("1", second.tasks().get(0).reusedFrom());
        JournalEvent.JobsSubmitted entry = PipelineJobs.of(second, 3, accepted(second));
        assertEquals(List.of(JobId.of(1)), entry.jobs().get(0).afterOk());
        assertEquals(1L, entry.jobs().get(0).pipeline().reuses());
        assertEquals(List.of(JobId.of(3)), entry.jobs().get(1).afterOk(), "eval waits on its pipeline's own prep job");
        d.apply(entry);
        assertEquals("Dependency", d.reason(JobId.of(3)));
        assertTrue(d.decide().isEmpty(), "the reusing job never runs");

        d.finish(JobId.of(1));
        assertEquals(JobState.COMPLETED, d.status(JobId.of(3)).state());
        assertEquals(0, d.status(JobId.of(3)).attempt());
        assertEquals(List.of(JobId.of(2), JobId.of(4)), d.decide(), "train and eval, after the one prep");

        PriorResults later = PipelineJobs.priorResults(d.core().table().all(), "p");
        assertEquals(java.util.Optional.of("1"), later.find(first.tasks().get(0).taskKey()), "the reuse stands for the original");
        d.apply(new JournalEvent.Finished(JobId.of(2), 1, JobState.FAILED, 1, null));
        assertEquals(java.util.Optional.empty(), PipelineJobs.priorResults(d.core().table().all(), "p")
                .find(first.tasks().get(1).taskKey()), "a failed job is no result");
    }

    private static JobSpec keyed(String key, JobId... after) {
        return keyed(key, false, after);
    }

    private static JobSpec keyed(String key, boolean hold, JobId... after) {
        return JobSpec.process("p", "ana", "run").afterOk(after).hold(hold)
                .pipeline(new PipelineTask(1, "p", "t", key, null, List.of("w"), 1, after.length, null)).build();
    }

    @Test
    void aResultIsOneThatCompletedOrIsOnItsWayAndACompletedOneIsPreferred() {
        JobTable table = new JobTable();
        long[] index = {0};
        java.util.function.Consumer<JournalEvent> apply = e -> table.apply(++index[0], index[0] * 1000, e);
        apply.accept(new JournalEvent.Submitted(JobId.of(1), keyed("done")));
        apply.accept(new JournalEvent.Dispatched(JobId.of(1), 1, new dev.labq.core.domain.Allocation(1, 1, List.of())));
        apply.accept(new JournalEvent.Finished(JobId.of(1), 1, JobState.COMPLETED, 0, null));
        apply.accept(new JournalEvent.Submitted(JobId.of(2), keyed("done"))); // newer, pending: the completed one wins
        apply.accept(new JournalEvent.Submitted(JobId.of(3), keyed("held", true)));
        apply.accept(new JournalEvent.Submitted(JobId.of(4), keyed("after-held", JobId.of(3))));
        apply.accept(new JournalEvent.Submitted(JobId.of(5), keyed("waiting", JobId.of(2))));
        PriorResults prior = PipelineJobs.priorResults(table.all(), "p");
        assertEquals(java.util.Optional.of("1"), prior.find("done"));
        assertEquals(java.util.Optional.empty(), prior.find("held"), "a held job waits for a person");
        assertEquals(java.util.Optional.empty(), prior.find("after-held"), "nor what waits on it");
        assertEquals(java.util.Optional.of("5"), prior.find("waiting"), "waiting on a job on its way");
    }

    @Test
    void aCompletedResultWhoseDeclaredOutputsAreGoneIsNoResult(@TempDir Path dir) throws java.io.IOException {
        PipelinePlan plan = PipelinePlanner.plan(PipelineSpec.builder("made", "p")
                .workflow("one", TaskSpec.builder("make").tool("make").run("run").outputs("out/model.bin", "out/log.txt").build())
                .workflow("two", TaskSpec.builder("make").tool("make").run("run").outputs("out/model.bin", "out/extra.txt").build())
                .build()).inDirectory(dir.toString());
        assertEquals(List.of("out/model.bin", "out/log.txt", "out/extra.txt"), plan.tasks().get(0).outputs(),
                "every use's outputs, once each");
        JobTable table = new JobTable();
        JournalEvent.JobsSubmitted entry = PipelineJobs.of(plan, 1, accepted(plan));
        table.apply(1, 1000, entry);
        assertEquals(dir.toString(), table.get(JobId.of(1)).spec().workdir(), "the task runs where the plan says");
        table.apply(2, 2000, new JournalEvent.Dispatched(JobId.of(1), 1, new dev.labq.core.domain.Allocation(1, 1, List.of())));
        table.apply(3, 3000, new JournalEvent.Finished(JobId.of(1), 1, JobState.COMPLETED, 0, null));
        String key = plan.tasks().get(0).taskKey();

        assertEquals(java.util.Optional.empty(), PipelineJobs.priorResults(table.all(), "p").find(key), "no file was written");
        java.nio.file.Files.createDirectories(dir.resolve("out"));
        for (String file : List.of("model.bin", "log.txt", "extra.txt")) {
            java.nio.file.Files.writeString(dir.resolve("out").resolve(file), file);
        }
        assertEquals(java.util.Optional.of("1"), PipelineJobs.priorResults(table.all(), "p").find(key));
        java.nio.file.Files.delete(dir.resolve("out/extra.txt"));
        assertEquals(java.util.Optional.empty(), PipelineJobs.priorResults(table.all(), "p").find(key),
                "one output deleted: the task runs again");
    }
}
