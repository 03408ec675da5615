package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shaded `labq.jar` that `mvn package` built, run as child processes the way the launcher runs it:
 * one-shot commands and a `serve` in the background.
 */
final class LabqJar {
    /** Failsafe runs in the module directory. */
    static final Path JAR = Path.of("target/labq.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** The launcher's flags for short-lived commands. */
    private static final List<String> CLIENT_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xshare:auto");

    private LabqJar() {
    }

    static void requireJar() {
        assertTrue(Files.isRegularFile(JAR), () -> JAR + " is missing: integration tests run after `mvn package`");
    }

    private static List<String> command(List<String> flags, String... args) {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(flags);
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs one command to its end (at most {@code limit}) in {@code cwd}. */
    static TestHome.Outcome run(Path cwd, Duration limit, String... args) {
        try {
            Process p = new ProcessBuilder(command(CLIENT_FLAGS, args)).directory(cwd.toFile()).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail("labq " + String.join(" ", args) + " did not end within " + limit);
            }
            return new TestHome.Outcome(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** `labq serve --home HOME` in the background, its output in {@code logs}; returns once it answers on its socket. */
    static Serve serve(Path home, Path logs, Duration limit) {
        try {
            Files.createDirectories(logs);
            Path out = logs.resolve("serve.out");
            Path err = logs.resolve("serve.err");
            Process p = new ProcessBuilder(command(List.of("-XX:+UseSerialGC"), "serve", "--home", home.toString()))
                    .directory(logs.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                    .start();
            p.getOutputStream().close();
            Serve serve = new Serve(p, home, err);
            Path socket = home.resolve("scheduler.sock");
            await(limit, () -> {
                if (!p.isAlive()) {
                    fail("serve exited with " + p.exitValue() + ": " + serve.stderr());
                }
                return Files.exists(socket) && answers(socket);
            }, () -> "serve did not open " + socket + "; stderr: " + serve.stderr());
            return serve;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when something listens on the socket (a stale file of a killed scheduler refuses). */
    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code limit}. */
    static void await(Duration limit, BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what.get() + " (after " + limit + ")");
            }
            TestHome.pause(20);
        }
    }

    /** Every job as `stat -a --json` shows it. */
    static JsonNode stat(Path cwd, Path home) {
        TestHome.Outcome o = run(cwd, Duration.ofSeconds(60), "stat", "--home", home.toString(), "-a", "--json");
        if (o.code() != 0) {
            fail("stat failed: " + o);
        }
        return o.json();
    }

    /** A running `labq serve`. */
    record Serve(Process process, Path home, Path stderrFile) implements AutoCloseable {
        String stderr() {
            try {
                return Files.exists(stderrFile) ? Files.readString(stderrFile) : "";
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        /** SIGTERM, as Ctrl-C or a service manager stops it; returns the exit code. */
        int stop(Duration limit) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("serve did not stop on SIGTERM within " + limit + "; stderr: " + stderr());
            }
            return process.exitValue();
        }

        /** kill -9. */
        void crash() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
