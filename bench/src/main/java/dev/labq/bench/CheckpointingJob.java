package dev.labq.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The job {@code bench/run checkpoint} runs under a real scheduler: CPU-bound steps (SHA-256 over 1 MiB) on a state
 * of {@code --state-mib} MiB, writing the state into {@code $LABQ_CHECKPOINT_DIR} and running
 * {@code labq checkpoint commit} every {@code --every-ms} (0: never). With {@code --background} it checkpoints the
 * way CheckFreq (FAST'21) does: the step loop only copies the state into a snapshot buffer, and a second thread
 * writes and commits the snapshot while the steps go on (the next checkpoint waits for it). With {@code --cycle},
 * attempt 1 checkpoints once and kills itself with SIGKILL; a later attempt restores from {@code $LABQ_RESUME_FROM}
 * and prints when its first step after the restore begins. Prints {@code RUN_MS}, {@code CHECKPOINT_START} and
 * {@code RESUMED} lines.
 */
public final class CheckpointingJob {
    private CheckpointingJob() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        int steps = Integer.parseInt(value(a, "--steps", "1000"));
        int stateMib = Integer.parseInt(value(a, "--state-mib", "256"));
        long everyMs = Long.parseLong(value(a, "--every-ms", "0"));
        boolean cycle = a.contains("--cycle");
        byte[] state = new byte[stateMib << 20];
        Snapshots snapshots = a.contains("--background") ? new Snapshots(state.length) : null;
        String resume = System.getenv("LABQ_RESUME_FROM");
        if (resume != null) {
            try (var in = Files.newInputStream(Path.of(resume, "state"))) {
                in.readNBytes(state, 0, state.length);
            }
            System.out.println("RESUMED " + System.currentTimeMillis());
            step(state, 0);
            System.out.println("RESUMED_STEP " + System.currentTimeMillis());
            return;
        }
        new SplittableRandom(1).nextBytes(state);
        long start = System.nanoTime();
        long last = start;
        for (int i = 0; i < steps; i++) {
            step(state, i);
            if (everyMs > 0 && System.nanoTime() - last >= TimeUnit.MILLISECONDS.toNanos(everyMs) || cycle && i == 0) {
                System.out.println("CHECKPOINT_START " + System.currentTimeMillis());
                if (snapshots == null) {
                    checkpoint(state);
                } else {
                    snapshots.take(state);
                }
                if (cycle) {
                    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                }
                last = System.nanoTime();
            }
        }
        if (snapshots != null) {
            snapshots.awaitPersisted(); // the last checkpoint is part of the run
        }
        System.out.println("RUN_MS " + (System.nanoTime() - start) / 1_000_000);
    }

    /** One snapshot buffer and one writer thread: the step loop pays for a memory copy, not for the file system. */
    private static final class Snapshots {
        private final byte[] snapshot;
        private Thread persisting;
        private volatile Exception failed;

        Snapshots(int size) {
            snapshot = new byte[size];
            Arrays.fill(snapshot, (byte) 1); // touched now, so the first copy does not pay for fresh pages
        }

        void take(byte[] state) throws InterruptedException {
            awaitPersisted(); // one snapshot in flight: the loop waits only when checkpoints outrun the writer
            System.arraycopy(state, 0, snapshot, 0, state.length);
            persisting = new Thread(() -> {
                try {
                    checkpoint(snapshot);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    failed = e;
                }
            }, "persist");
            persisting.start();
        }

        void awaitPersisted() throws InterruptedException {
            if (persisting != null) {
                persisting.join();
            }
            if (failed != null) {
                throw new IllegalStateException("checkpoint failed", failed);
            }
        }
    }

    /** One step of work: hashes a 1 MiB slice of the state and writes the digest back into it. */
    private static void step(byte[] state, int i) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int offset = (int) ((long) i * (1 << 20) % (state.length - (1 << 20) + 1));
        for (int r = 0; r < 8; r++) {
            sha.update(state, offset, 1 << 20);
        }
        System.arraycopy(sha.digest(), 0, state, offset, 32);
    }

    private static void checkpoint(byte[] state) throws IOException, InterruptedException {
        Path dir = Path.of(System.getenv("LABQ_CHECKPOINT_DIR"));
        long t0 = System.nanoTime();
        // In 1 MiB writes: measured here, 256 MiB written in one call (or 8 MiB ones) takes 0.4 to 0.7 s, in 1 MiB
        // ones 0.06 to 0.07 s, as a framework's save would do it.
        try (OutputStream out = Files.newOutputStream(dir.resolve("state"))) {
            for (int at = 0; at < state.length; at += 1 << 20) {
                out.write(state, at, Math.min(1 << 20, state.length - at));
            }
        }
        long t1 = System.nanoTime();
        Process commit = new ProcessBuilder("labq", "checkpoint", "commit").inheritIO().start();
        if (commit.waitFor() != 0) {
            throw new IllegalStateException("labq checkpoint commit exited " + commit.exitValue());
        }
        System.out.printf("CHECKPOINT_MS write %d commit %d%n", (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
    }

    private static String value(List<String> args, String name, String otherwise) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : otherwise;
    }
}
