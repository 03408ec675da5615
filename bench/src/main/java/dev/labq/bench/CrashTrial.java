package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobStatus;
import dev.labq.core.view.ViewAudit;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One crash trial: a child JVM schedules a burst of short processes and is killed with kill -9 at a random
 * point (after a random number of acknowledged submissions, or a random delay), once or twice on the same
 * home; then a scheduler in this JVM recovers the home and runs every job to its end, and the journal and
 * views are checked. {@code SchedulerCrashIT} runs a short campaign of it in CI, {@code CrashCampaignBench} a long one.
 */
final class CrashTrial {
    static final String CONFIG = """
            machine: { cpus: 2, memory: 4G, gpus: [] }
            projects:
              default: { importance: 10 }
              research: { importance: 50 }
            scheduler: { killGraceSeconds: 0, defaultProject: default }
            """;

    /** What one trial saw; each problem is a line naming the job. */
    record Result(long seed, int acknowledged, List<String> lost, List<String> doubleStarts, List<String> viewDifferences,
                  String killPoints) {
        boolean clean() {
            return lost.isEmpty() && doubleStarts.isEmpty() && viewDifferences.isEmpty();
        }
    }

    private CrashTrial() {
    }

    static Result run(Path home, long seed) throws IOException, InterruptedException {
        Random random = new Random(seed);
        Files.createDirectories(home);
        Files.writeString(home.resolve(LabqConfig.FILE_NAME), CONFIG);
        Set<Long> acknowledged = new TreeSet<>();
        List<String> killPoints = new ArrayList<>();
        int rounds = 1 + random.nextInt(2); // a second crash lands on a home that needs recovering
        for (int round = 0; round < rounds; round++) {
            int jobs = 5 + random.nextInt(20);
            try (CrashChildJvm child = CrashChildJvm.start(home, "schedule", home.toString(),
                    Integer.toString(jobs), Long.toString(random.nextLong()))) {
                killPoints.add(crashAtRandom(child, random, jobs, acknowledged));
            }
        }
        return recoverAndCheck(home, seed, acknowledged, String.join(", ", killPoints));
    }

    /** Reads the child's acknowledgements until the random kill point, kills it, then keeps what it had printed. */
    private static String crashAtRandom(CrashChildJvm child, Random random, int jobs, Set<Long> acknowledged)
            throws InterruptedException {
        boolean byCount = random.nextBoolean();
        int killAfterAcks = random.nextInt(jobs + 1);
        long delayMillis = random.nextInt(1_500);
        long startupDeadline = System.nanoTime() + 60_000_000_000L;
        long killAt = Long.MAX_VALUE;
        int acks = 0;
        String point;
        while (true) {
            if (byCount && acks >= killAfterAcks) {
                point = "after " + acks + " acks";
                break;
            }
            if (System.nanoTime() >= killAt) {
                point = delayMillis + " ms after READY (" + acks + " acks)";
                break;
            }
            if (System.nanoTime() > startupDeadline) {
                throw new AssertionError("child pid=" + child.pid() + " did not get going; stderr:\n" + child.stderrText());
            }
            long wait = killAt == Long.MAX_VALUE ? 100 : Math.max(1, (killAt - System.nanoTime()) / 1_000_000);
            String line = child.next(Math.min(wait, 100));
            if (line == null) {
                continue;
            }
            if (line.equals(CrashChildJvm.EOF)) {
                throw new AssertionError("child pid=" + child.pid() + " ended before it was killed; stderr:\n" + child.stderrText());
            }
            if (line.equals("READY") && !byCount) {
                killAt = System.nanoTime() + delayMillis * 1_000_000;
            } else if (line.startsWith("ACK ")) {
                acknowledged.add(Long.parseLong(line.substring(4)));
                acks++;
            }
        }
        child.kill();
        // Lines already in the pipe were printed after submit returned: acknowledged as well.
        for (String line = child.next(0); line != null && !line.equals(CrashChildJvm.EOF); line = child.next(0)) {
            if (line.startsWith("ACK ")) {
                acknowledged.add(Long.parseLong(line.substring(4)));
            }
        }
        return point;
    }

    private static Result recoverAndCheck(Path home, long seed, Set<Long> acknowledged, String killPoints)
            throws InterruptedException {
        List<String> lost = new ArrayList<>();
        try (LabqScheduler labq = LabqScheduler.builder(home).config(LabqConfig.load(home)).tickMillis(50).start()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            List<JobStatus> jobs = labq.jobs();
            while (!jobs.stream().allMatch(j -> j.state().isTerminal())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("seed=" + seed + ": jobs not terminal after 60 s: " + jobs.stream()
                            .filter(j -> !j.state().isTerminal()).map(j -> j.id().value() + "=" + j.state())
                            .collect(Collectors.joining(" ")));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // real processes run meanwhile
                jobs = labq.jobs();
            }
            Set<Long> present = jobs.stream().map(j -> j.id().value()).collect(Collectors.toSet());
            for (long id : acknowledged) {
                if (!present.contains(id)) {
                    lost.add("job " + id + " was acknowledged but is not there after restart");
                }
            }
        }
        List<String> doubleStarts = checkRuns(home);
        List<String> differences = ViewAudit.verify(LabqHome.of(home)).differences();
        return new Result(seed, acknowledged.size(), lost, doubleStarts, differences, killPoints);
    }

    /**
     * From the journal: no attempt is started twice, and no attempt is dispatched or started while another
     * attempt of the same job has not ended (Finished or Requeued).
     */
    static List<String> checkRuns(Path home) {
        List<String> problems = new ArrayList<>();
        Map<Long, Integer> open = new HashMap<>();        // job -> attempt dispatched or started and not ended
        Map<String, Long> starts = new HashMap<>();       // job/attempt -> index of its Started
        try (Journal journal = Journal.openReadOnly(LabqHome.of(home).journal());
             JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                JournalEvent event = EventCodec.decode(entry);
                if (event instanceof JournalEvent.Dispatched d) {
                    opens(problems, open, d.job().value(), d.attempt(), entry.index(), "dispatched");
                } else if (event instanceof JournalEvent.Started s) {
                    Long earlier = starts.put(s.job().value() + "/" + s.attempt(), entry.index());
                    if (earlier != null) {
                        problems.add("job " + s.job().value() + " attempt " + s.attempt() + " started twice (entries "
                                + earlier + " and " + entry.index() + ")");
                    }
                    opens(problems, open, s.job().value(), s.attempt(), entry.index(), "started");
                } else if (event instanceof JournalEvent.Finished f) {
                    open.remove(f.job().value(), f.attempt());
                } else if (event instanceof JournalEvent.Requeued r) {
                    open.remove(r.job().value(), r.attempt());
                }
            }
        }
        return problems;
    }

    private static void opens(List<String> problems, Map<Long, Integer> open, long job, int attempt, long index, String what) {
        Integer running = open.get(job);
        if (running != null && running != attempt) {
            problems.add("job " + job + " attempt " + attempt + " " + what + " at entry " + index + " while attempt "
                    + running + " had not ended");
        }
        open.put(job, attempt);
    }
}
