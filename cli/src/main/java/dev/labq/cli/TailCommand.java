package dev.labq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.client.LabqClient;
import dev.labq.core.event.EventCodec;
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

/**
 * Prints journal entries, one line each: for people by default ({@link TailLineFormat}), as JSON lines with
 * {@code --json} for audit and for piping into other tools.
 */
@Command(name = "tail", description = {
        "Print journal entries, one line each: index, time (UTC), type, job, key fields:",
        "  12  2026-12-03T18:00:01Z  Dispatched        job=3 attempt=1 cpus=1 gpus=[0]",
        "With --json, JSON lines with every field of the entry:",
        "  {\"index\":I,\"type\":T,\"time\":...,\"event\":{...}}",
        "Use an entry's index with --from to resume from it."})
final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    @Mixin
    CommonOptions common;

    @Option(names = {"-f", "--follow"}, description = "keep printing new entries until interrupted")
    boolean follow;

    @Option(names = "--from", paramLabel = "INDEX", description = "start at this entry (default: the first)")
    Long from;

    @Option(names = "--json", description = "print JSON lines, every field of every entry")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Writer out = new BufferedWriter(new OutputStreamWriter(common.invocation().out(), StandardCharsets.UTF_8), 1 << 16);
        try (LabqClient client = common.client()) {
            PrintStream sink = common.invocation().out();
            client.tail(from == null ? Journal.BEFORE_FIRST : from, follow, line -> {
                try {
                    out.write(json ? line : human(line));
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

    private static String human(String jsonLine) {
        try {
            return TailLineFormat.format(JSON.readTree(jsonLine));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labq tail produced a line that is not JSON: " + jsonLine, e);
        }
    }
}
