package dev.labq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's two ways to a running scheduler, the bare-Python forwarder and the Java thin client, on the same
 * command lines: the same stdout, stderr and exit code; and with no scheduler the launcher still runs them.
 */
@Timeout(180)
class PythonForwarderIT {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("labq");

    @TempDir
    Path dir;

    @RegisterExtension
    final ServedHome served = new ServedHome();

    private record Run(int code, String out, String err) {
    }

    private Run launch(TestHome home, boolean python, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.cwd.toFile());
        Map<String, String> env = builder.environment();
        env.put("LABQ_HOME", home.root.toString());
        if (!python) {
            env.put("LABQ_NO_PYTHON", "1");
        }
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void bothPathsPrintTheSameAndExitTheSame() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) || Files.isExecutable(Path.of("/usr/local/bin/python3")),
                "no system Python 3: the launcher uses the Java client only");
        TestHome home = TestHome.in(dir);
        home.via(served.start(home));
        assertEquals(1, home.submit("--hold", "-J", "first", "--", "true"));
        String[][] lines = {
                // not prio or explain: their age factor moves between the two runs
                {"stat"}, {"stat", "--json", "1"}, {"shares"}, {"hold", "1"},
                {"submit", "-A", "nope", "--", "true"}, {"del", "99"}, {"stat", "1_2"}, {"checkpoint", "list", "1"},
                {"checkpoint", "commit"}, {"pipeline", "stat", "1"}, {"tail", "--json", "--from", "1"}};
        for (String[] line : lines) {
            Run java = launch(home, false, line);
            Run python = launch(home, true, line);
            assertEquals(java, python, String.join(" ", line));
        }
        Run viaPython = launch(home, true, "submit", "--parsable", "--hold", "--", "true");
        assertEquals(new Run(0, "2\n", ""), viaPython, "a forwarded submit runs once");
        assertEquals(2, home.run("stat", "--json").json().size());
    }

    @Test
    void withNoSchedulerTheJavaClientRunsTheCommand() throws Exception {
        TestHome home = TestHome.in(dir);
        Run submitted = launch(home, true, "submit", "--parsable", "--", "true");
        assertEquals(0, submitted.code(), submitted::toString);
        assertEquals("1\n", submitted.out());
        assertEquals(1, home.run("stat", "--json").json().size());
    }
}
