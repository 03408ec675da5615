package dev.labq.cli;

import dev.labq.core.LabqHome;
import dev.labq.core.client.LabqClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every subcommand shares (where the home is, how loud errors are), and the invocation's context. */
final class CommonOptions {
    static final String DEFAULT_HOME = ".labq";

    private final Invocation invocation;

    @Option(names = "--home", paramLabel = "DIR",
            description = "labq state directory (default: $LABQ_HOME, else ./.labq)")
    Path home;

    @Option(names = {"-v", "--verbose"}, description = "print stack traces with errors")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** For parsing alone (picocli's default factory, e.g. for #LABQ directives): this JVM's context. */
    CommonOptions() {
        this(Invocation.local());
    }

    CommonOptions(Invocation invocation) {
        this.invocation = invocation;
    }

    LabqHome home() {
        if (home != null) {
            return LabqHome.of(invocation.resolve(home));
        }
        String env = invocation.env().get("LABQ_HOME");
        return LabqHome.of(invocation.resolve(Path.of(env != null && !env.isBlank() ? env : DEFAULT_HOME)));
    }

    LabqClient client() {
        return invocation.clients().apply(home());
    }

    Invocation invocation() {
        return invocation;
    }
}
