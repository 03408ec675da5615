package dev.labq.bench;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stream of job specs shaped like a shared lab machine's queue: the four projects of the shipped
 * configuration (different importance and share, a budget on one, see {@link #CONFIG}), six users, a few jobs with their own
 * importance, a fifth with a deadline, most jobs on 1-8 CPUs, one in eight asking for one or two GPUs (of a
 * type or any), four in five with a time limit (any minute up to a day, or round values: {@link TimeLimits}).
 * The same seed gives the same stream.
 *
 * <p>Public so that the JMH micro-benchmarks ({@code dev.labq.bench.micro}) use the same workload as the harnesses.
 */
public final class JobMix {
    private static final String[] USERS = {"ada", "grace", "alan", "edsger", "barbara", "ken"};

    /**
     * labq's shipped configuration (config/labq.yaml): its projects with their importance (100/50/10/5),
     * shares (thesis 2, research 3, default 1, teaching 1) and budgets (teaching: at most 1 GPU and 24
     * GPU-hours a day), its scheduler settings (multifactor, EASY backfill) and its priority weights; on
     * {@link #MACHINE}, and with the six users of the mix listed in every project (share 1 each), so each
     * user's fair share is against the same siblings from the first job on.
     */
    public static final LabqConfig CONFIG = withUsers(LabqConfig.defaults());

    /** 64 CPUs, 256 GiB, four 80 GiB a100s and four 16 GiB t4s. */
    public static final MachineInventory MACHINE = new MachineInventory(64, 256 * 1024, List.of(
            new GpuDevice(0, "a100", 80 * 1024), new GpuDevice(1, "a100", 80 * 1024),
            new GpuDevice(2, "a100", 80 * 1024), new GpuDevice(3, "a100", 80 * 1024),
            new GpuDevice(4, "t4", 16 * 1024), new GpuDevice(5, "t4", 16 * 1024),
            new GpuDevice(6, "t4", 16 * 1024), new GpuDevice(7, "t4", 16 * 1024)));

    public static final String MACHINE_TEXT = "64 CPUs, 256 GiB, 8 GPUs (4 a100, 4 t4)";

    private static final long HOUR_MILLIS = 3_600_000L;

    /** How the time limits people give are spread; both draw the same random numbers, so only the limits differ. */
    public enum TimeLimits {
        /**
         * Any whole minute from 10 minutes to a day: nearly every job its own shape (account, resources and
         * limit), the worst case for labq's ready index, which groups jobs of one shape into one bucket.
         */
        MINUTES,
        /**
         * The round values people type ({@code -t 15:00, 30:00, 1:00:00, 2:00:00, 4:00:00, 8:00:00, 12:00:00,
         * 1-00:00:00}): user estimates cluster on a few such values (Tsafrir, Etsion and Feitelson, "Modeling
         * user runtime estimates", JSSPP 2005).
         */
        ROUND;

        private static final long[] ROUND_MINUTES = {15, 30, 60, 120, 240, 480, 720, 1440};

        long draw(SplittableRandom random) {
            return switch (this) {
                case MINUTES -> 60L * (10 + random.nextInt(24 * 60 - 10));
                case ROUND -> 60L * ROUND_MINUTES[random.nextInt(ROUND_MINUTES.length)];
            };
        }

        /** The name on the command line: {@code minutes}, {@code round}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final SplittableRandom random;
    private final TimeLimits limits;

    /** The mix with {@link TimeLimits#MINUTES}. */
    public JobMix(long seed) {
        this(seed, TimeLimits.MINUTES);
    }

    public JobMix(long seed, TimeLimits limits) {
        this.random = new SplittableRandom(seed);
        this.limits = limits;
    }

    /** The next job, submitted at {@code nowMillis} (deadlines are relative to it). */
    public JobSpec next(long nowMillis) {
        String user = USERS[random.nextInt(USERS.length)];
        JobSpec.Builder job = JobSpec.process(project(), user, "python", "train.py");
        job.resources(resources());
        if (random.nextInt(5) != 0) {
            // Most people give a limit (backfill plans with it), up to a day.
            job.timeLimitSeconds(limits.draw(random));
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

    private static LabqConfig withUsers(LabqConfig shipped) {
        Map<String, LabqConfig.Project> projects = new LinkedHashMap<>();
        shipped.projects().forEach((name, p) -> {
            Map<String, LabqConfig.User> users = new LinkedHashMap<>(p.users());
            for (String user : USERS) {
                users.putIfAbsent(user, LabqConfig.User.DEFAULT);
            }
            projects.put(name, new LabqConfig.Project(p.importance(), p.share(), p.budget(), users));
        });
        return new LabqConfig(new LabqConfig.Machine("64", "256G", List.of()), projects, shipped.scheduler(),
                shipped.priority());
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
