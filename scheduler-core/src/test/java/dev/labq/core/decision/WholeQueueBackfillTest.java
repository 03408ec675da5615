package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.PrioritySettings;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.CoreDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bucketed ready index with whole-queue backfill starts exactly the jobs that the textbook EASY does: sort
 * every ready job by priority, start from the top while the head fits, then scan the whole rest of the queue
 * once for jobs that fit now and cannot delay the head's reservation. Random workloads, both policies.
 */
class WholeQueueBackfillTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final MachineInventory MACHINE = new MachineInventory(8, 32_768, List.of(
            new MachineInventory.GpuDevice(0, "t4", 16_384), new MachineInventory.GpuDevice(1, "t4", 16_384),
            new MachineInventory.GpuDevice(2, "a100", 81_920), new MachineInventory.GpuDevice(3, "a100", 81_920)));
    private static final Long[] LIMITS = {60L, 600L, 3600L, null};

    private static LabqConfig config(String policy, Double maxAgeHours) {
        return new LabqConfig(new LabqConfig.Machine("8", "32G", List.of()),
                Map.of("a", new LabqConfig.Project(10, 1.0, null, null), "b", new LabqConfig.Project(50, 2.0, null, null),
                        "c", new LabqConfig.Project(90, 1.0, null, null)),
                new LabqConfig.Settings(null, null, "a", null, "easy", policy),
                // deadlines afresh every second (decisions are a second or more apart): keys always fresh
                new PrioritySettings(null, maxAgeHours, null, null, 1, null, 0.0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"importance-deadline-age", "multifactor"})
    void startsWhatASortAndAScanOfTheWholeQueueStarts(String policy) {
        for (long seed = 1; seed <= 4; seed++) {
            compareOn(config(policy, null), seed, false);
        }
    }


    /**
     * Ages reach their cap within the run (a job's key stops rising and it changes lanes) and project
     * importances change under it, sometimes the highest (every job re-keyed), sometimes another (that project's).
     */
    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void staysTheSameAsAgesReachTheirCapAndImportancesChange(long seed) {
        compareOn(config("multifactor", 0.5), seed, true);
    }

    private static void compareOn(LabqConfig config, long seed, boolean changeImportances) {
        SplittableRandom random = new SplittableRandom(seed);
        CoreDriver d = new CoreDriver(config, MACHINE, T0);
        List<JobId> running = new ArrayList<>();
        int started = 0;
        for (int step = 0; step < 400; step++) {
            for (int n = random.nextInt(4); n > 0; n--) {
                d.submit(randomJob(random));
            }
            if (!running.isEmpty() && random.nextInt(3) > 0) {
                d.finish(running.remove(random.nextInt(running.size())));
            }
            if (changeImportances && random.nextInt(10) == 0) {
                String project = List.of("a", "b", "c").get(random.nextInt(3));
                d.apply(new JournalEvent.ProjectSet(project, null, 1 + random.nextInt(120), null));
            }
            d.advance(1000 + random.nextInt(60_000));
            List<JobId> expected = textbookEasy(d);
            List<JobId> actual = d.decide();
            assertEquals(expected, actual, "seed " + seed + " step " + step);
            running.addAll(actual);
            started += actual.size();
        }
        assertEquals(true, started > 100, "the workload started " + started + " jobs: too few to compare");
    }

    private static JobSpec randomJob(SplittableRandom random) {
        String project = List.of("a", "b", "c").get(random.nextInt(3));
        int gpus = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
        String type = gpus > 0 && random.nextBoolean() ? (random.nextBoolean() ? "t4" : "a100") : null;
        JobSpec.Builder b = JobSpec.process(project, random.nextBoolean() ? "ada" : "bob", "x")
                .resources(new Resources(1 + random.nextInt(8), 512L * (1 + random.nextInt(16)), gpus, type))
                .timeLimitSeconds(LIMITS[random.nextInt(LIMITS.length)]);
        if (random.nextInt(5) == 0) {
            b.deadlineMillis(T0 + random.nextLong(20 * 3_600_000L));
        }
        return b.build();
    }

    /** EASY as a textbook writes it, from the table alone, with fresh priorities. */
    private static List<JobId> textbookEasy(CoreDriver d) {
        DecisionCore core = d.core();
        PriorityPolicy policy = core.policy();
        PolicyContext ctx = core.context().at(d.now());
        record Ranked(JobStatus job, double key, long tiebreak) {
        }
        List<Ranked> ready = new ArrayList<>();
        ResourcePool pool = new ResourcePool(MACHINE);
        List<JobStatus> runningJobs = new ArrayList<>();
        for (JobStatus job : core.table().all()) {
            if (job.state() == JobState.PENDING) {
                ready.add(new Ranked(job, policy.jobKey(job, ctx) + policy.accountKey(job.spec().project(), job.spec().user(), ctx),
                        policy.tiebreak(job)));
            } else if (job.state() == JobState.RUNNING) {
                pool.reserve(job.allocation());
                runningJobs.add(job);
            }
        }
        ready.sort(Comparator.comparingDouble((Ranked r) -> -r.key()).thenComparingLong(Ranked::tiebreak)
                .thenComparingLong(r -> r.job().submitMillis()).thenComparingLong(r -> r.job().id().value()));
        List<JobId> started = new ArrayList<>();
        List<long[]> ends = new ArrayList<>(); // {endMillis} with allocations alongside
        List<Allocation> endAllocations = new ArrayList<>();
        for (JobStatus job : runningJobs) {
            ends.add(new long[]{end(job.startMillis(), job.spec())});
            endAllocations.add(job.allocation());
        }
        int i = 0;
        for (; i < ready.size(); i++) {
            Allocation a = pool.tryReserve(ready.get(i).job().spec().resources());
            if (a == null) {
                break;
            }
            started.add(ready.get(i).job().id());
            ends.add(new long[]{end(d.now(), ready.get(i).job().spec())});
            endAllocations.add(a);
        }
        if (i == ready.size()) {
            return started;
        }
        JobStatus head = ready.get(i).job();
        // the head's reservation: running jobs by end time, until it fits
        Capacity free = Capacity.none(MACHINE).freeIn(pool);
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < ends.size(); k++) {
            order.add(k);
        }
        order.sort(Comparator.comparingLong(k -> ends.get(k)[0]));
        long reserved = Long.MAX_VALUE;
        Capacity beside = Capacity.none(MACHINE).empty();
        for (int k : order) {
            if (ends.get(k)[0] == Long.MAX_VALUE || reserved != Long.MAX_VALUE && ends.get(k)[0] > reserved) {
                break;
            }
            free.add(endAllocations.get(k));
            if (reserved == Long.MAX_VALUE && free.fits(head.spec().resources())) {
                reserved = ends.get(k)[0]; // and what else ends at that instant frees its share too
            }
        }
        if (reserved != Long.MAX_VALUE) {
            free.subtract(head.spec().resources());
            beside = free;
        }
        for (int k = i + 1; k < ready.size(); k++) {
            JobSpec spec = ready.get(k).job().spec();
            boolean endsBefore = spec.timeLimitSeconds() != null && end(d.now(), spec) <= reserved;
            if (!endsBefore && !beside.fits(spec.resources())) {
                continue;
            }
            Allocation a = pool.tryReserve(spec.resources());
            if (a == null) {
                continue;
            }
            if (!endsBefore) {
                beside.subtract(spec.resources());
            }
            started.add(ready.get(k).job().id());
        }
        return started;
    }

    private static long end(long start, JobSpec spec) {
        return spec.timeLimitSeconds() == null ? Long.MAX_VALUE : start + spec.timeLimitSeconds() * 1000;
    }

}
