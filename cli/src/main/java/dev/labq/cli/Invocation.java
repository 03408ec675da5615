package dev.labq.cli;

import dev.labq.core.LabqHome;
import dev.labq.core.client.LabqClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a command line runs: the caller's working directory, user, time zone, environment and output
 * streams, and how it reaches a home. Locally these are the JVM's own; inside a scheduler serving a
 * forwarded command line they are the client's, and the home is reached in-process.
 *
 * @param zone where local date-times the user types (a {@code --deadline} without an offset) are read
 */
record Invocation(Path cwd, String user, ZoneId zone, Map<String, String> env, PrintStream out, PrintStream err,
                  Function<LabqHome, LabqClient> clients) {

    /** This JVM's own context; homes are reached through their files. */
    static Invocation local() {
        return new Invocation(Path.of("").toAbsolutePath(), System.getProperty("user.name"), ZoneId.systemDefault(),
                System.getenv(), System.out, System.err, LabqClient::direct);
    }

    /** A path the user typed, resolved against their working directory. */
    Path resolve(Path typed) {
        return cwd.resolve(typed).normalize();
    }
}
