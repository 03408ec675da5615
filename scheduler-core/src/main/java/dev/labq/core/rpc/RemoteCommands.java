package dev.labq.core.rpc;

import java.io.PrintStream;

/**
 * Runs a client's command line inside the scheduler process (the CLI provides it; the core knows no
 * command line). The client's JVM then only forwards bytes, so a command costs a small JVM start instead
 * of loading the CLI, Jackson and Chronicle.
 */
@FunctionalInterface
public interface RemoteCommands {
    /** Runs {@code invocation}, writing to the client's stdout and stderr, and returns its exit code. */
    int run(RemoteInvocation invocation, PrintStream out, PrintStream err);
}
