package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.store.Journal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** Prints journal entries as JSON lines, for audit and for piping into other tools. */
@Command(name = "tail", description = {
        "Print journal entries as JSON lines.",
        "Each line is {\"index\":I,\"type\":T,\"time\":...,\"event\":{...}}.",
        "Use an entry's index with --from to resume from it."})
final class TailCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--follow"}, description = "keep printing new entries until interrupted")
    boolean follow;

    @Option(names = "--from", paramLabel = "INDEX", description = "start at this entry (default: the first)")
    Long from;

    @Option(names = "--json", description = "JSON lines (the only format; accepted for symmetry with stat)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Writer out = new BufferedWriter(new OutputStreamWriter(common.invocation().out(), StandardCharsets.UTF_8), 1 << 16);
        try (LabqClient client = common.client()) {
            PrintStream sink = common.invocation().out();
            client.tail(from == null ? Journal.BEFORE_FIRST : from, follow, line -> {
                try {
                    out.write(line);
                    out.write('\n');
                    if (follow) {
                        out.flush();
                    }
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, sink::checkError); // a client that went away stops a --follow
        }
        out.flush();
        return ExitCodes.OK;
    }
}
