package dev.labq.bench.sim;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.Resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic demand of ML pipelines on one GPU server, for what the traces lack: dependencies, GPU types,
 * importance and deadlines. Each pipeline is a DAG: preprocessing on CPUs, then a sweep of 1-4 training jobs
 * on GPUs (a quarter are big models on one or two a100s), then one evaluation after all of them. Pipelines arrive as a Poisson
 * process; every job of a pipeline carries its deadline; time limits overestimate run times 1.2-3x, as
 * users do. The same seed gives the same workload.
 */
public final class PipelineWorkload {
    /** 64 CPUs, 512 GiB, four 80 GiB a100s and four 16 GiB t4s. */
    public static final MachineInventory MACHINE = new MachineInventory(64, 512 * 1024, List.of(
            new GpuDevice(0, "a100", 80 * 1024), new GpuDevice(1, "a100", 80 * 1024),
            new GpuDevice(2, "a100", 80 * 1024), new GpuDevice(3, "a100", 80 * 1024),
            new GpuDevice(4, "t4", 16 * 1024), new GpuDevice(5, "t4", 16 * 1024),
            new GpuDevice(6, "t4", 16 * 1024), new GpuDevice(7, "t4", 16 * 1024)));

    /** Project, importance, share of the pipelines, deadline slack over the pipeline's own run time. */
    private record ProjectMix(String name, int importance, int percent, double slackFactor) {
    }

    private static final List<ProjectMix> PROJECTS = List.of(
            new ProjectMix("thesis", 100, 15, 2.0),
            new ProjectMix("research", 50, 35, 4.0),
            new ProjectMix("default", 10, 35, 8.0),
            new ProjectMix("teaching", 5, 15, 12.0));

    private static final String[] USERS = {"ada", "grace", "alan", "edsger", "barbara", "ken", "frances", "john"};

    private PipelineWorkload() {
    }

    /**
     * {@code pipelines} pipelines arriving over {@code days} days.
     */
    public static Workload generate(int pipelines, double days, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double meanGapSeconds = days * 86_400 / pipelines;
        List<TraceJob> jobs = new ArrayList<>();
        double arrival = 0;
        for (int p = 0; p < pipelines; p++) {
            arrival += -Math.log(1 - random.nextDouble()) * meanGapSeconds;
            ProjectMix project = project(random);
            String user = USERS[random.nextInt(USERS.length)];
            long submit = (long) arrival;
            List<TraceJob> pipeline = new ArrayList<>();

            long prepRun = minutes(random, 10, 60);
            TraceJob prep = job(jobs, pipeline, submit, prepRun, new Resources(4 << random.nextInt(3), 16 * 1024, 0, null),
                    random, user, project, List.of());
            boolean bigModel = random.nextInt(4) == 0;
            int sweep = 1 + random.nextInt(4);
            List<Long> trainings = new ArrayList<>();
            long longestTraining = 0;
            for (int t = 0; t < sweep; t++) {
                long trainRun = minutes(random, 60, bigModel ? 480 : 240);
                longestTraining = Math.max(longestTraining, trainRun);
                int gpus = bigModel ? 1 + random.nextInt(2) : 1;
                Resources request = new Resources(4 * gpus, 32L * 1024 * gpus, gpus, bigModel ? "a100" : null);
                trainings.add(job(jobs, pipeline, submit, trainRun, request, random, user, project, List.of(prep.id())).id());
            }
            long evalRun = minutes(random, 5, 30);
            job(jobs, pipeline, submit, evalRun, new Resources(4, 16 * 1024, 1, null), random, user, project, trainings);

            long deadline = submit + (long) (project.slackFactor() * (prepRun + longestTraining + evalRun));
            for (TraceJob job : pipeline) {
                jobs.set((int) job.id() - 1, new TraceJob(job.id(), job.submitSeconds(), job.runSeconds(), job.request(),
                        job.limitSeconds(), job.user(), job.project(), job.importance(), deadline, job.afterOk(), -1));
            }
        }
        return Workload.onMachine("pipelines", MACHINE, Workload.Unit.GPUS, config(), jobs);
    }

    private static TraceJob job(List<TraceJob> jobs, List<TraceJob> pipeline, long submit, long run, Resources request,
                                SplittableRandom random, String user, ProjectMix project, List<Long> afterOk) {
        long limit = (long) (run * (1.2 + 1.8 * random.nextDouble()));
        TraceJob job = new TraceJob(jobs.size() + 1, submit, run, request, limit, user, project.name(), null, null, afterOk, -1);
        jobs.add(job);
        pipeline.add(job);
        return job;
    }

    private static long minutes(SplittableRandom random, int from, int to) {
        return 60L * (from + random.nextInt(to - from + 1));
    }

    private static ProjectMix project(SplittableRandom random) {
        int r = random.nextInt(100);
        for (ProjectMix project : PROJECTS) {
            r -= project.percent();
            if (r < 0) {
                return project;
            }
        }
        throw new IllegalStateException("project percentages do not add up to 100");
    }

    /** labq's configuration for this workload: the projects' importance, default settings (EASY backfill). */
    static LabqConfig config() {
        Map<String, LabqConfig.Project> projects = new java.util.LinkedHashMap<>();
        PROJECTS.forEach(p -> projects.put(p.name(), new LabqConfig.Project(p.importance())));
        return new LabqConfig(new LabqConfig.Machine("64", "512G", List.of()), projects,
                new LabqConfig.Settings(null, null, "default"));
    }

    /** One line describing the projects, for reports. */
    public static String describeProjects() {
        StringBuilder text = new StringBuilder();
        for (ProjectMix p : PROJECTS) {
            text.append(String.format(java.util.Locale.ROOT, "%s%s (importance %d, %d%% of pipelines, deadline %.0fx its run time)",
                    text.isEmpty() ? "" : ", ", p.name(), p.importance(), p.percent(), p.slackFactor()));
        }
        return text.toString();
    }
}
