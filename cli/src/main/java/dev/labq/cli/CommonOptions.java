package dev.labq.cli;

import dev.labq.core.LabqHome;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every subcommand shares: where the home is, and how loud errors are. */
public final class CommonOptions {
    @Option(names = "--home", paramLabel = "DIR",
            description = "labq state directory (default: $LABQ_HOME, else ./.labq)")
    Path home;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces with errors")
    boolean verbose;

    public LabqHome home() {
        if (home != null) {
            return LabqHome.of(home);
        }
        String env = System.getenv("LABQ_HOME");
        return LabqHome.of(Path.of(env != null && !env.isBlank() ? env : ".labq"));
    }
}
