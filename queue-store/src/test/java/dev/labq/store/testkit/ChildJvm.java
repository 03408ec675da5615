package dev.labq.store.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running {@link StoreChild}, so a test can meet the store from another process and kill it
 * with kill -9 ({@link Process#destroyForcibly}).
 *
 * <p>The child speaks one word per line on stdout ({@code READY}, {@code DONE}...); {@link #await} blocks
 * on those lines with a deadline instead of sleeping. Its stderr goes to a file quoted in failures.
 */
public final class ChildJvm implements AutoCloseable {
    /** Chronicle on JDK 17 fails at startup without these (shared/design/FACTS.md, "JVM flags"). */
    public static final List<String> CHRONICLE_FLAGS = List.of(
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread pump = new Thread(this::pumpStdout, "child-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code StoreChild} with {@code args}; its stderr is written under {@code workDir}. */
    public static ChildJvm start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHRONICLE_FLAGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreChild.class.getName());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(workDir, "child-", ".err");
        Process process = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .start();
        return new ChildJvm(process, stderr);
    }

    public long pid() {
        return process.pid();
    }

    /** Blocks until the child prints {@code word} on a line of its own; fails on exit or after {@code timeout}. */
    public void await(String word, Duration timeout) throws InterruptedException {
        String got = awaitAny(timeout, word);
        if (!got.equals(word)) {
            throw new AssertionError("child pid=" + pid() + " printed " + got + ", expected " + word);
        }
    }

    /**
     * Blocks until the child prints one of {@code words} on a line of its own and returns it; other lines are
     * skipped. Fails when the child exits first or after {@code timeout}.
     */
    public String awaitAny(Duration timeout, String... words) throws InterruptedException {
        List<String> wanted = List.of(words);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child pid=" + pid() + " printed none of " + wanted + " within " + timeout
                        + "; stderr:\n" + stderrText());
            }
            if (line.equals(EOF)) {
                throw new AssertionError("child pid=" + pid() + " ended before printing any of " + wanted
                        + "; stderr:\n" + stderrText());
            }
            if (wanted.contains(line)) {
                return line;
            }
        }
    }

    /**
     * Whether the child prints {@code word} within {@code timeout}; for checking that a child stays blocked,
     * where only the absence of a line within a grace period can be observed.
     */
    public boolean printsWithin(String word, Duration timeout) throws InterruptedException {
        try {
            await(word, timeout);
            return true;
        } catch (AssertionError e) {
            if (!process.isAlive()) {
                throw e;
            }
            return false;
        }
    }

    /** Sends one line to the child's stdin. */
    public void tell(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Waits for a normal exit and fails unless the exit code is 0. */
    public void awaitCleanExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child pid=" + pid() + " still running after " + timeout + "; stderr:\n" + stderrText());
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("child pid=" + pid() + " exited " + process.exitValue() + "; stderr:\n" + stderrText());
        }
    }

    /** kill -9, then waits until the OS has reaped it (its file locks are gone by then). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child pid=" + pid() + " survived destroyForcibly");
        }
    }

    public String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private void pumpStdout() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line.trim());
            }
        } catch (IOException ignored) {
            // the child was killed; EOF below tells the waiter
        } finally {
            lines.add(EOF);
        }
    }
}
