package dev.labq.bench;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stream of job specs shaped like a shared lab machine's queue: four projects of different
 * importance, a few jobs with their own importance, a fifth with a deadline, most jobs on 1-8 CPUs, one in
 * eight asking for one or two GPUs (of a type or any), four in five with a time limit. The same seed gives the same stream.
 *
 * <p>Public so that the JMH micro-benchmarks ({@code dev.labq.bench.micro}) use the same workload as the harnesses.
 */
public final class JobMix {
    /** The projects of config/labq.yaml, built in code so the harness needs no file. */
    public static final LabqConfig CONFIG = new LabqConfig(
            new LabqConfig.Machine("64", "256G", List.of()),
            Map.of("default", new LabqConfig.Project(10), "research", new LabqConfig.Project(50),
                    "thesis", new LabqConfig.Project(100), "teaching", new LabqConfig.Project(5)),
            new LabqConfig.Settings(null, null, "default"));

    /** 64 CPUs, 256 GiB, four 80 GiB a100s and four 16 GiB t4s. */
    public static final MachineInventory MACHINE = new MachineInventory(64, 256 * 1024, List.of(
            new GpuDevice(0, "a100", 80 * 1024), new GpuDevice(1, "a100", 80 * 1024),
            new GpuDevice(2, "a100", 80 * 1024), new GpuDevice(3, "a100", 80 * 1024),
            new GpuDevice(4, "t4", 16 * 1024), new GpuDevice(5, "t4", 16 * 1024),
            new GpuDevice(6, "t4", 16 * 1024), new GpuDevice(7, "t4", 16 * 1024)));

    public static final String MACHINE_TEXT = "64 CPUs, 256 GiB, 8 GPUs (4 a100, 4 t4)";

    private static final String[] USERS = {"ada", "grace", "alan", "edsger", "barbara", "ken"};
    private static final long HOUR_MILLIS = 3_600_000L;

    private final SplittableRandom random;

    public JobMix(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next job, submitted at {@code nowMillis} (deadlines are relative to it). */
    public JobSpec next(long nowMillis) {
        String user = USERS[random.nextInt(USERS.length)];
        JobSpec.Builder job = JobSpec.process(project(), user, "python", "train.py");
        job.resources(resources());
        if (random.nextInt(5) != 0) {
            // Most people give a limit (backfill plans with it); 10 minutes to a day, in minutes.
            job.timeLimitSeconds(60L * (10 + random.nextInt(24 * 60 - 10)));
        }
        if (random.nextInt(20) == 0) {
            job.importance(random.nextInt(151));
        }
        if (random.nextInt(5) == 0) {
            // Minute granularity, as people type them: many jobs share a deadline and fall back to age.
            long deadline = nowMillis + HOUR_MILLIS + random.nextLong(47 * HOUR_MILLIS);
            job.deadlineMillis(deadline - deadline % 60_000);
        }
        return job.build();
    }

    private String project() {
        int p = random.nextInt(100);
        return p < 30 ? "default" : p < 60 ? "research" : p < 75 ? "thesis" : "teaching";
    }

    private Resources resources() {
        if (random.nextInt(8) == 0) {
            int gpus = random.nextInt(4) == 0 ? 2 : 1;
            int t = random.nextInt(10);
            String type = t < 4 ? "a100" : t < 7 ? "t4" : null;
            int cpus = 4 + random.nextInt(5);
            return new Resources(cpus, cpus * 4096L, gpus, type);
        }
        int c = random.nextInt(100);
        int cpus = c < 30 ? 1 : c < 55 ? 2 : c < 80 ? 4 : c < 95 ? 8 : c < 99 ? 16 : 32;
        return new Resources(cpus, cpus * 1024L * (1 + random.nextInt(4)), 0, null);
    }
}
