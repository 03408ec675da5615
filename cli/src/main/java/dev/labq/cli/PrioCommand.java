package dev.labq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.labq.core.client.LabqClient;
import dev.labq.core.decision.Explanation;
import dev.labq.core.policy.priority.Priority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** The ready jobs in the order they would start, with each factor's contribution, like {@code sprio}. */
@Command(name = "prio", aliases = {"sprio"}, description = {
        "List the ready jobs in the order they would start, with their priority and each factor's contribution."})
final class PrioCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "print a JSON array of explanations (see `labq explain --json`)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Explanation> ready;
        try (LabqClient client = common.client()) {
            ready = client.priorities();
        }
        if (json) {
            ArrayNode array = PolicyOutput.JSON.createArrayNode();
            ready.forEach(e -> array.add(PolicyOutput.explanation(e)));
            common.invocation().out().println(PolicyOutput.JSON.writeValueAsString(array));
            return ExitCodes.OK;
        }
        Set<String> names = new LinkedHashSet<>();
        ready.forEach(e -> e.priority().factors().forEach(f -> names.add(f.name())));
        List<String> columns = new ArrayList<>(names);
        StringBuilder table = new StringBuilder(80 * (ready.size() + 1));
        table.append(String.format(Locale.ROOT, "%5s %7s %-10s %-8s %10s", "RANK", "JOBID", "PROJECT", "USER", "PRIORITY"));
        columns.forEach(c -> table.append(String.format(Locale.ROOT, " %13s", c.toUpperCase(Locale.ROOT))));
        table.append("  REASON\n");
        for (Explanation e : ready) {
            table.append(String.format(Locale.ROOT, "%5d %7s %-10s %-8s %10.1f", e.aheadCount() + 1, e.job().id(),
                    e.job().spec().project(), e.job().spec().user(), e.priority().value()));
            for (String c : columns) {
                double contribution = e.priority().factors().stream().filter(f -> f.name().equals(c))
                        .mapToDouble(Priority.Factor::contribution).sum();
                table.append(String.format(Locale.ROOT, " %13.1f", contribution));
            }
            table.append("  ").append(e.reason()).append('\n');
        }
        common.invocation().out().print(table);
        return ExitCodes.OK;
    }
}
