package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.client.InProcessClient;
import dev.labq.core.client.LabqClient;
import dev.labq.store.Journal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A labq home for CLI tests: a fixed small machine in its labq.yaml (so results do not depend on the box),
 * a working directory beside it, and command lines run in-process with their output captured.
 */
final class TestHome {
    /** 2 CPUs, 4G, an a100 and a t4; projects default(10), research(50), teaching(5); no kill grace. */
    static final String CONFIG = """
            machine:
              cpus: 2
              memory: 4G
              gpus:
                - { id: 0, type: a100, memory: 80G }
                - { id: 1, type: t4, memory: 16G }
            projects:
              default:  { importance: 10 }
              research: { importance: 50 }
              teaching: { importance: 5 }
            scheduler: { killGraceSeconds: 0, inProcessThreads: 2, defaultProject: default }
            """;

    static final String USER = "ana";
    /** The zone command lines run in, as a local one's would. */
    static final ZoneId ZONE = ZoneId.systemDefault();
    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final Path cwd;
    private Function<LabqHome, LabqClient> clients = LabqClient::direct;

    private TestHome(Path root, Path cwd) {
        this.root = root;
        this.cwd = cwd;
    }

    /** A home at {@code dir/home} holding the test configuration, and a working directory {@code dir/work}. */
    static TestHome in(Path dir) {
        try {
            Path root = Files.createDirectories(dir.resolve("home"));
            Files.writeString(root.resolve("labq.yaml"), CONFIG);
            return new TestHome(root, Files.createDirectories(dir.resolve("work")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commands from now on reach the home through {@code scheduler}, as forwarded ones do in `serve`. */
    TestHome via(LabqScheduler scheduler) {
        clients = home -> new InProcessClient(scheduler);
        return this;
    }

    /** Commands from now on work on the home's files (no scheduler). */
    TestHome direct() {
        clients = LabqClient::direct;
        return this;
    }

    /** Runs a command line with LABQ_HOME set to this home. */
    Outcome run(String... args) {
        return runWithEnv(Map.of("LABQ_HOME", root.toString()), args);
    }

    Outcome runWithEnv(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path != null ? path : "/usr/bin:/bin");
        env.putAll(extraEnv);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = LabqCommand.run(new Invocation(cwd, USER, ZONE, Map.copyOf(env), outStream, errStream, clients), args);
        outStream.flush();
        errStream.flush();
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Submits {@code args} and returns the new job's id. */
    long submit(String... args) {
        List<String> line = new ArrayList<>(List.of("submit", "--parsable"));
        line.addAll(List.of(args));
        Outcome o = run(line.toArray(String[]::new));
        assertEquals(0, o.code(), o::toString);
        return Long.parseLong(o.out().strip());
    }

    /** The journal's last index, or null when there is no journal yet. */
    Long journalLastIndex() {
        Path journal = LabqHome.of(root).journal();
        if (!Files.isDirectory(journal)) {
            return null;
        }
        try (Journal j = Journal.openReadOnly(journal)) {
            return j.lastIndex();
        }
    }

    /** `stat --json` of one job. */
    JsonNode job(long id) {
        Outcome o = run("stat", "--json", Long.toString(id));
        assertEquals(0, o.code(), o::toString);
        JsonNode array = o.json();
        assertEquals(1, array.size(), o::toString);
        return array.get(0);
    }

    /** Polls `stat --json ID` until the job satisfies {@code done}; fails after {@code limit}. */
    JsonNode awaitJob(long id, Predicate<JsonNode> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last;
        do {
            last = job(id);
            if (done.test(last)) {
                return last;
            }
            pause(20);
        } while (System.nanoTime() < deadline);
        return fail("job " + id + " did not get there within " + limit + "; last seen " + last);
    }

    /** Journal entries as `labq tail --json` prints them. */
    List<JsonNode> tail(String... extra) {
        List<String> line = new ArrayList<>(List.of("tail", "--json"));
        line.addAll(List.of(extra));
        Outcome o = run(line.toArray(String[]::new));
        assertEquals(0, o.code(), o::toString);
        return o.jsonLines();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a command line did: its exit code, stdout and stderr. */
    record Outcome(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : err.lines().toList();
        }

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out, e);
            }
        }

        List<JsonNode> jsonLines() {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.lines().toList()) {
                try {
                    nodes.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
            }
            return nodes;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
