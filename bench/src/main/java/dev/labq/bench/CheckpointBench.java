package dev.labq.bench;

import dev.labq.store.checkpoint.Checkpoint;
import dev.labq.store.checkpoint.CheckpointStore;
import dev.labq.store.checkpoint.CheckpointStores;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * What checkpoints cost a job, with a real scheduler ({@code ./labq serve}), real jobs ({@link CheckpointingJob})
 * and the real {@code labq checkpoint commit}:
 *
 * <pre>
 *   overhead:    the same CPU-bound job with a 256 MiB state, checkpointing every 5 s vs never, in turns; its
 *                checkpoints written by a second thread from a snapshot copy (CheckFreq's way) or in the step loop
 *                ─▶ ckpt.overhead.pct (background), ckpt.overhead.in_loop_pct (medians of the rounds)
 *   cycle:       a 1 GiB state: write it, commit, SIGKILL the job; the retry verifies, restores, runs a step
 *                ─▶ ckpt.cycle_1gib_s (from the checkpoint's start to the first step after the restore)
 *   incremental: the chunked store, 1 GiB of float32 state, then 5% of it changed in 8 MiB regions
 *                ─▶ ckpt.incremental.bytes_ratio_5pct (bytes written / state size)
 *   checksums:   CRC-32C vs SHA-256 over 256 MiB (why manifests use CRC-32C)
 * </pre>
 *
 * Arguments: {@code --pairs 3 --work-steps 4000 --every-ms 5000} ({@code --quick}: 1 pair of 600 steps checkpointing
 * every second, a 256 MiB cycle and incremental state).
 */
public final class CheckpointBench implements Harness {
    private static final String USAGE = "usage: bench/run checkpoint [--pairs 3] [--work-steps 4000] [--every-ms 5000]";

    @Override
    public String summary() {
        return "checkpoint overhead on a CPU-bound job, the 1 GiB commit/kill/resume cycle, incremental bytes written";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--pairs", "--work-steps", "--every-ms"));
        int pairs = given.wholeNumber("--pairs", quick ? 1 : 3, 1);
        int steps = given.wholeNumber("--work-steps", quick ? 600 : 4000, 10);
        int everyMs = given.wholeNumber("--every-ms", quick ? 1000 : 5000, 100);
        ResultLines results = new ResultLines(out);
        try {
            Path home = Files.createTempDirectory("labq-checkpoint-bench");
            Path launcher = HarnessArgs.root().resolve("labq");
            CliLatencyBench.run(launcher, home, List.of("--version")); // builds the CLI when stale, untimed
            Process serve = new ProcessBuilder(launcher.toString(), "serve", "--home", home.toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("serve.log").toFile()).start();
            try {
                CliLatencyBench.awaitSocket(home, serve);
                overhead(launcher, home, pairs, steps, everyMs, out, results);
                cycle(launcher, home, quick ? 256 : 1024, out, results);
            } finally {
                serve.destroy();
                serve.waitFor(60, TimeUnit.SECONDS);
            }
            incremental(home, quick ? 256 : 1024, out, results);
            checksums(out, results);
            return BenchMain.OK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void overhead(Path launcher, Path home, int pairs, int steps, int everyMs, PrintStream out, ResultLines results)
            throws IOException, InterruptedException {
        out.printf(Locale.ROOT, "overhead: %d steps of SHA-256 over 8 MiB on a 256 MiB state; checkpoint every %.1f s"
                + " written in the background (CheckFreq's way) or in the step loop, vs never%n", steps, everyMs / 1000.0);
        // Warms the scheduler and the memory checkpoints pass through: on a fresh VM a page the guest never touched
        // costs a host fault (256 MiB written into new page-cache pages took 0.65 s here, into reused ones 0.06 s);
        // a completed job's checkpoints are deleted, so the runs after this one write into pages it freed.
        job(launcher, home, List.of("--steps", "400", "--state-mib", "256", "--every-ms", "300"), 0);
        List<String> work = List.of("--steps", Integer.toString(steps), "--state-mib", "256");
        List<String> checkpointing = new ArrayList<>(work);
        checkpointing.addAll(List.of("--every-ms", Integer.toString(everyMs)));
        List<String> background = new ArrayList<>(checkpointing);
        background.add("--background");
        Overhead inBackground = new Overhead();
        Overhead inLoop = new Overhead();
        for (int p = 0; p < pairs; p++) {
            double without = number(job(launcher, home, work, 0), "RUN_MS");
            double backgroundPct = inBackground.add(without, job(launcher, home, background, 0));
            double loopPct = inLoop.add(without, job(launcher, home, checkpointing, 0));
            out.printf(Locale.ROOT, "  round %d: without %.2f s; background %+.2f%% (%d checkpoints); in the loop %+.2f%%%n",
                    p + 1, without / 1000, backgroundPct, inBackground.lastCheckpoints, loopPct);
        }
        results.metric("ckpt.overhead.pct", inBackground.medianPct(), "%");
        results.metric("ckpt.overhead.in_loop_pct", inLoop.medianPct(), "%");
        results.metric("ckpt.overhead.run_with_s", inBackground.sumWith / pairs / 1000, "s");
        results.metric("ckpt.overhead.run_without_s", inBackground.sumWithout / pairs / 1000, "s");
        if (inLoop.measured > 0) {
            results.metric("ckpt.state_write_ms", inLoop.writeMs / inLoop.measured, "ms");   // the job writing its 256 MiB
            results.metric("ckpt.commit_ms", inLoop.commitMs / inLoop.measured, "ms");       // `labq checkpoint commit`
            // What labq adds to a job that writes its own state: the time inside `labq checkpoint commit`.
            results.metric("ckpt.overhead.labq_pct", inLoop.commitMs / inLoop.sumWithout * 100, "%");
        }
    }

    /** Run-time ratios of one way of checkpointing against the same job without, and what its checkpoints took. */
    private static final class Overhead {
        private final List<Double> pcts = new ArrayList<>();
        private double sumWith;
        private double sumWithout;
        private double writeMs;
        private double commitMs;
        private int measured;
        private long lastCheckpoints;

        double add(double without, List<String> log) {
            double with = number(log, "RUN_MS");
            lastCheckpoints = log.stream().filter(l -> l.startsWith("CHECKPOINT_START")).count();
            for (String line : log) { // "CHECKPOINT_MS write W commit C": the job's own write, and labq's commit
                if (line.startsWith("CHECKPOINT_MS ")) {
                    String[] f = line.split(" ");
                    writeMs += Double.parseDouble(f[2]);
                    commitMs += Double.parseDouble(f[4]);
                    measured++;
                }
            }
            sumWith += with;
            sumWithout += without;
            double pct = (with - without) / without * 100;
            pcts.add(pct);
            return pct;
        }

        double medianPct() {
            List<Double> sorted = new ArrayList<>(pcts);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2);
        }
    }

    private void cycle(Path launcher, Path home, int mib, PrintStream out, ResultLines results)
            throws IOException, InterruptedException {
        List<String> log = job(launcher, home, List.of("--state-mib", Integer.toString(mib), "--cycle"), 1);
        double start = number(log, "CHECKPOINT_START");
        double resumed = number(log, "RESUMED");
        double step = number(log, "RESUMED_STEP");
        out.printf(Locale.ROOT, "cycle: %d MiB state written, committed, job SIGKILLed; the retry restored it in %.2f s"
                + " and ran its first step %.2f s after the checkpoint began%n", mib, (resumed - start) / 1000, (step - start) / 1000);
        results.metric("ckpt.cycle_" + (mib == 1024 ? "1gib" : mib + "mib") + "_s", (step - start) / 1000, "s");
    }

    private void incremental(Path home, int mib, PrintStream out, ResultLines results) throws IOException {
        CheckpointStore store = CheckpointStores.open("chunked", home.resolve("incremental"));
        Path staging = Files.createDirectories(home.resolve("incremental-staging"));
        byte[] state = new byte[mib << 20];
        ByteBuffer floats = ByteBuffer.wrap(state);
        Random random = new Random(7);
        while (floats.remaining() >= 4) {
            floats.putFloat((float) random.nextGaussian()); // weights-like: what a training state holds
        }
        Files.write(staging.resolve("state"), state);
        long t0 = System.nanoTime();
        Checkpoint full = store.put("bench", staging, 1, 3);
        double fullS = (System.nanoTime() - t0) / 1e9;
        int region = 8 << 20;
        long changed = 0;
        while (changed < state.length / 20) {
            int at = random.nextInt((state.length - region) / 4096) * 4096;
            ByteBuffer r = ByteBuffer.wrap(state, at, region);
            while (r.remaining() >= 4) {
                r.putFloat((float) random.nextGaussian());
            }
            changed += region;
        }
        Files.write(staging.resolve("state"), state);
        t0 = System.nanoTime();
        Checkpoint next = store.put("bench", staging, 2, 3);
        double nextS = (System.nanoTime() - t0) / 1e9;
        double ratio = next.storedBytes() / (double) state.length;
        out.printf(Locale.ROOT, "incremental (chunked store): %d MiB, first %.1f MiB written in %.2f s; %d MiB changed in"
                        + " 8 MiB regions: %.1f MiB written in %.2f s%n", mib, full.storedBytes() / 1048576.0, fullS,
                changed >> 20, next.storedBytes() / 1048576.0, nextS);
        results.metric("ckpt.incremental.bytes_ratio_5pct", ratio, "x");
        results.metric("ckpt.incremental.full_ratio", full.storedBytes() / (double) state.length, "x");
    }

    private void checksums(PrintStream out, ResultLines results) throws IOException {
        byte[] data = new byte[256 << 20];
        new Random(3).nextBytes(data);
        double crc = 0;
        double sha = 0;
        try {
            for (int r = 0; r < 3; r++) { // best of three: the first pays for the JIT
                long t0 = System.nanoTime();
                CRC32C c = new CRC32C();
                c.update(data);
                crc = Math.max(crc, data.length / ((System.nanoTime() - t0) / 1e9) / 1e9);
                t0 = System.nanoTime();
                MessageDigest.getInstance("SHA-256").digest(data);
                sha = Math.max(sha, data.length / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.printf(Locale.ROOT, "checksums over 256 MiB: CRC-32C %.1f GB/s, SHA-256 %.2f GB/s%n", crc, sha);
        results.metric("ckpt.crc32c_gbps", crc, "GB/s");
        results.metric("ckpt.sha256_gbps", sha, "GB/s");
    }

    /** Submits the checkpointing job, waits for it to end, and returns its output lines. */
    private static List<String> job(Path launcher, Path home, List<String> jobArgs, int retries)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString(), "submit", "--home", home.toString(), "--parsable",
                "--mem", "3G", "--retries", Integer.toString(retries), "--", java(), "-XX:+UseSerialGC", "-Xmx2500m", "-cp",
                System.getProperty("java.class.path"), CheckpointingJob.class.getName()));
        command.addAll(jobArgs);
        Process submit = new ProcessBuilder(command).redirectErrorStream(true).start();
        String id = new String(submit.getInputStream().readAllBytes()).strip();
        if (submit.waitFor() != 0 || !id.matches("[0-9]+")) {
            throw new IllegalStateException("submit failed: " + id);
        }
        Path log = home.resolve("logs").resolve(id + ".out");
        Path exit = home.resolve("logs").resolve(id + "." + (retries + 1) + ".exit");
        Path firstExit = home.resolve("logs").resolve(id + ".1.exit");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!(retries == 0 ? Files.exists(firstExit) : Files.exists(exit))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + id + " did not end; see " + log);
            }
            Thread.sleep(20);
        }
        List<String> lines = new ArrayList<>();
        for (int attempt = 1; attempt <= retries; attempt++) { // earlier attempts' output, kept as JOB.N.out
            Path earlier = home.resolve("logs").resolve(id + "." + attempt + ".out");
            if (Files.exists(earlier)) {
                lines.addAll(Files.readAllLines(earlier));
            }
        }
        lines.addAll(Files.readAllLines(log));
        return lines;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double number(List<String> log, String key) {
        return log.stream().filter(l -> l.startsWith(key + " ")).mapToDouble(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + key + " line in " + log));
    }
}
