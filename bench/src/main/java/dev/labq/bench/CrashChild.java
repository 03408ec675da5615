package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.client.LabqClient;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;

import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of the crash campaign ({@code SchedulerCrashIT}, {@code bench/run crash-campaign}); the
 * parent kills it with kill -9. Speaks one line per event on stdout:
 * {@code READY}, {@code ACK <id>} as soon as a submission returns (it is acknowledged from then on), {@code DONE}.
 *
 * <ul>
 *   <li>{@code schedule HOME JOBS SEED}: a scheduler on HOME (its labq.yaml, the real ProcessExecutor) that
 *       submits JOBS short processes in a burst, then keeps scheduling until killed.</li>
 *   <li>{@code submit HOME COUNT}: {@code LabqClient.direct} appends COUNT submissions (no scheduler), as CLI
 *       processes do, then exits 0.</li>
 * </ul>
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[1]);
        switch (args[0]) {
            case "schedule" -> schedule(home, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "submit" -> submit(home, Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("mode=" + args[0] + " unknown; use schedule or submit");
        }
    }

    static JobSpec shortJob(Random random) {
        String project = random.nextBoolean() ? "default" : "research";
        return random.nextBoolean()
                ? JobSpec.process(project, "crash", "sh", "-c", "exit 0").build()
                : JobSpec.process(project, "crash", "sleep", "0.05").build();
    }

    private static void schedule(Path home, int jobs, long seed) throws InterruptedException {
        Random random = new Random(seed);
        LabqScheduler labq = LabqScheduler.builder(home).config(LabqConfig.load(home)).tickMillis(50).start();
        say("READY");
        for (int i = 0; i < jobs; i++) {
            JobId id = labq.submit(shortJob(random)).id();
            say("ACK " + id.value());
        }
        say("DONE");
        new java.util.concurrent.CountDownLatch(1).await(); // keeps dispatching and recording exits until the parent kills it
    }

    private static void submit(Path home, int count) {
        Random random = new Random(ProcessHandle.current().pid());
        try (LabqClient client = LabqClient.direct(LabqHome.of(home))) {
            say("READY");
            for (int i = 0; i < count; i++) {
                say("ACK " + client.submit(shortJob(random)).value());
            }
        }
        say("DONE");
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
