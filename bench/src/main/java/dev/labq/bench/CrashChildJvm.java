package dev.labq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running {@link CrashChild} with this JVM's classpath and Chronicle flags, whose stdout lines
 * are queued for the test; {@link #kill} is kill -9.
 */
final class CrashChildJvm implements AutoCloseable {
    static final String EOF = "\u0000EOF";

    private final Process process;
    private final Path stderr;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread pump;

    private CrashChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.pump = new Thread(this::pumpStdout, "crash-child-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    static CrashChildJvm start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile(workDir, "child-", ".err");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new CrashChildJvm(process, stderr);
    }

    /**
     * The Chronicle flags this JVM was started with (failsafe passes the parent POM's chronicle.flags), and no
     * agent (JaCoCo's would write its file from a JVM killed mid-write); small and quick to start.
     */
    static List<String> childFlags() {
        List<String> flags = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle.") || arg.startsWith("-Dorg.slf4j.")) {
                flags.add(arg);
            }
        }
        flags.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        return flags;
    }

    /** The next line, or null after {@code millis}; {@link #EOF} once the child's stdout closed. */
    String next(long millis) throws InterruptedException {
        return lines.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** kill -9, then waits until the OS reaped it and every line it printed was read. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child pid=" + process.pid() + " survived destroyForcibly");
        }
        pump.join(10_000);
    }

    boolean awaitExit(long millis) throws InterruptedException {
        boolean exited = process.waitFor(millis, TimeUnit.MILLISECONDS);
        if (exited) {
            pump.join(10_000);
        }
        return exited;
    }

    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String stderrText() {
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
            // killed; EOF below
        } finally {
            lines.add(EOF);
        }
    }
}
