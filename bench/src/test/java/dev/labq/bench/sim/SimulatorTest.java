package dev.labq.bench.sim;

import dev.labq.bench.sim.SimulationRun.Outcome;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Resources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator replays on labq's decision core: known small workloads give known schedules and figures. */
class SimulatorTest {
    private static final MachineInventory FOUR_CPUS = new MachineInventory(4, 1024, List.of());
    private static final LabqConfig CONFIG = new LabqConfig(null,
            Map.of("low", new LabqConfig.Project(1), "high", new LabqConfig.Project(100)),
            new LabqConfig.Settings(null, null, "low"));

    private static TraceJob job(long id, long submit, long run, int cpus, Long limit, String project) {
        return new TraceJob(id, submit, run, new Resources(cpus, 0, 0, null), limit, "ada", project, null, null, List.of(), -1);
    }

    /** Job 1 holds 3 CPUs for 100 s; job 2 needs all 4; job 3 (1 CPU, 50 s) fits before job 2 could start. */
    private static final List<TraceJob> BACKFILL_CASE = List.of(
            job(1, 0, 100, 3, 100L, "low"),
            job(2, 10, 100, 4, 100L, "low"),
            job(3, 20, 50, 1, 50L, "low"));

    private static Map<Long, long[]> starts(SimulationRun run) {
        Map<Long, long[]> byId = new java.util.HashMap<>();
        for (Outcome o : run.outcomes()) {
            byId.put(o.job().id(), new long[] {o.startSeconds(), o.endSeconds()});
        }
        return byId;
    }

    @Test
    void fcfsKeepsArrivalOrderWhileEasyBackfillsWithoutDelayingTheHead() {
        Workload workload = Workload.onMachine("case", FOUR_CPUS, Workload.Unit.CPUS, CONFIG, BACKFILL_CASE);
        Map<Long, long[]> fcfs = starts(Simulator.run(workload, SchedulingPolicy.FCFS));
        Map<Long, long[]> easy = starts(Simulator.run(workload, SchedulingPolicy.EASY));
        assertEquals(100, fcfs.get(2L)[0]);
        assertEquals(200, fcfs.get(3L)[0], "FCFS: job 3 waits behind job 2");
        assertEquals(100, easy.get(2L)[0], "EASY: the head still starts when job 1 ends");
        assertEquals(20, easy.get(3L)[0], "EASY: job 3 ends at 70 s, before the head's reserved start");
        assertEquals(70, easy.get(3L)[1]);
    }

    @Test
    void metricsOfAKnownSchedule() {
        Workload workload = Workload.onMachine("case", FOUR_CPUS, Workload.Unit.CPUS, CONFIG, BACKFILL_CASE);
        SimulationRun run = Simulator.run(workload, SchedulingPolicy.EASY);
        Metrics m = Metrics.of(run.outcomes(), Workload.Unit.CPUS, run.capacity(), run.gpuUtilizationSaturated(), Map.of());
        assertEquals(3, m.jobs());
        assertEquals(30.0, m.avgWaitSeconds(), 1e-9, "waits 0, 90, 0");
        assertEquals(90.0, m.p95WaitSeconds(), 1e-9);
        assertEquals((1 + 1.9 + 1) / 3, m.avgBoundedSlowdown(), 1e-9);
        double work = 100 * 3 + 100 * 4 + 50;
        assertEquals(work / (4 * 200.0), m.utilization(), 1e-9, "from the first arrival (0 s) to the last end (200 s)");
        assertEquals(1.0, m.utilizationBound(), 1e-9, "the work alone needs 187.5 s of the 4 CPUs, more than the 110 s arrivals need");
        assertEquals(200, m.makespanSeconds());
        assertTrue(Double.isNaN(m.gpuUtilizationSaturated()), "no GPUs");
        assertEquals(List.of("low"), m.projects().stream().map(Metrics.ProjectUse::project).toList());
        assertEquals(1.0, m.projects().get(0).workShare(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(List.of(), Workload.Unit.CPUS, 4, Double.NaN, Map.of()));
    }

    @Test
    void boundedSlowdownCountsShortJobsAsTenSeconds() {
        TraceJob shortJob = job(1, 0, 2, 1, null, "low");
        Metrics m = Metrics.of(List.of(new Outcome(shortJob, 8, 10)), Workload.Unit.CPUS, 4, Double.NaN, Map.of());
        assertEquals(1.0, m.avgBoundedSlowdown(), 1e-9, "(8 + 2) / max(2, 10) = 1");
    }

    @Test
    void labqOrdersByImportanceWhereFifoDoesNot() {
        List<TraceJob> jobs = List.of(
                job(1, 0, 100, 4, 100L, "low"),
                job(2, 10, 100, 4, 100L, "low"),
                job(3, 20, 100, 4, 100L, "high"));
        Workload workload = Workload.onMachine("importance", FOUR_CPUS, Workload.Unit.CPUS, CONFIG, jobs);
        assertEquals(100, starts(Simulator.run(workload, SchedulingPolicy.LABQ)).get(3L)[0]);
        assertEquals(200, starts(Simulator.run(workload, SchedulingPolicy.EASY)).get(3L)[0]);
    }

    @Test
    void dependenciesWaitForTheirParentsAndJobsThatNeverFitAreRefused() {
        List<TraceJob> jobs = List.of(
                job(1, 0, 30, 1, null, "low"),
                new TraceJob(2, 0, 10, new Resources(1, 0, 0, null), null, "ada", "low", null, 35L, List.of(1L), -1),
                job(3, 5, 10, 8, null, "low"));
        Workload workload = Workload.onMachine("deps", FOUR_CPUS, Workload.Unit.CPUS, CONFIG, jobs);
        SimulationRun run = Simulator.run(workload, SchedulingPolicy.LABQ);
        assertEquals(30, starts(run).get(2L)[0]);
        assertEquals(1, run.neverFit(), "8 CPUs on a 4-CPU machine");
        assertEquals(2, run.completed().size());
        Metrics m = Metrics.of(run.outcomes(), Workload.Unit.CPUS, 4, Double.NaN, Map.of());
        assertEquals(1, m.deadlines());
        assertEquals(1, m.deadlineMisses(), "ended at 40 s, due at 35 s");
    }

    @Test
    void gpuUtilizationIsMeasuredOnlyWhileGpuJobsWait() {
        MachineInventory machine = new MachineInventory(8, 1024, List.of(new GpuDevice(0, "a100", 0), new GpuDevice(1, "t4", 0)));
        List<TraceJob> jobs = List.of(
                new TraceJob(1, 0, 100, new Resources(1, 0, 1, "a100"), 100L, "ada", "low", null, null, List.of(), -1),
                new TraceJob(2, 0, 100, new Resources(1, 0, 1, "a100"), 100L, "ada", "low", null, null, List.of(), -1));
        SimulationRun run = Simulator.run(Workload.onMachine("gpus", machine, Workload.Unit.GPUS, CONFIG, jobs), SchedulingPolicy.LABQ);
        assertEquals(0.5, run.gpuUtilizationSaturated(), 1e-9, "for 100 s job 2 waits for the a100 while the t4 idles");
        assertEquals(2, run.capacity());
    }

    @Test
    void budgetViolationsCountStartsPastAProjectsCpuBudget() {
        List<Outcome> outcomes = List.of(
                new Outcome(job(1, 0, 10, 2, null, "low"), 0, 10),
                new Outcome(job(2, 0, 10, 2, null, "low"), 5, 15),
                new Outcome(job(3, 0, 10, 2, null, "low"), 15, 25),
                new Outcome(job(4, 0, 10, 4, null, "high"), 0, 10));
        assertEquals(1, Metrics.budgetViolations(outcomes, Map.of("low", 3)), "job 2 took low to 4 CPUs; job 3 started as job 2 ended");
        assertEquals(0, Metrics.budgetViolations(outcomes, Map.of("low", 4)));
        assertEquals(0, Metrics.budgetViolations(outcomes, Map.of()));
    }

    @Test
    void recordedScheduleUsesTheTracesWaits() {
        TraceJob recorded = new TraceJob(1, 100, 50, new Resources(1, 0, 0, null), null, "ada", "low", null, null, List.of(), 30);
        TraceJob unknown = new TraceJob(2, 100, 50, new Resources(1, 0, 0, null), null, "ada", "low", null, null, List.of(), -1);
        List<Outcome> outcomes = Metrics.recorded(List.of(recorded, unknown));
        assertEquals(1, outcomes.size());
        assertEquals(130, outcomes.get(0).startSeconds());
        assertEquals(180, outcomes.get(0).endSeconds());
    }

    @Test
    void pipelinesAreDagsWithDeadlinesAndTheSameSeedGivesTheSameWorkload() {
        Workload a = PipelineWorkload.generate(20, 2, 7);
        assertEquals(a.jobs(), PipelineWorkload.generate(20, 2, 7).jobs());
        for (TraceJob job : a.jobs()) {
            assertTrue(job.deadlineSeconds() != null && job.deadlineSeconds() > job.submitSeconds(), job::toString);
            assertTrue(job.limitSeconds() >= job.runSeconds(), job::toString);
            job.afterOk().forEach(parent -> assertTrue(parent < job.id(), "parents come first"));
        }
        assertTrue(a.jobs().stream().anyMatch(j -> j.request().gpus() > 0 && !j.afterOk().isEmpty()), "training after preprocessing");
        SimulationRun run = Simulator.run(a, SchedulingPolicy.LABQ);
        assertEquals(a.jobs().size(), run.completed().size());
        assertTrue(PipelineWorkload.describeProjects().contains("thesis (importance 100"));
    }
}
