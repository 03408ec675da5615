package dev.labq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.labq.core.client.LabqClient;
import dev.labq.core.decision.ShareRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Shares, usage, fair share and budgets of every project and user, like {@code sshare -l}. */
@Command(name = "shares", aliases = {"sshare"}, description = {
        "Show per project, and per user within it, the configured and normalised share, the decayed usage,",
        "the fair-share factor, and what the budget holds, used and has left this period."})
final class SharesCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "print a JSON array, one object per project or user")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<ShareRow> rows;
        try (LabqClient client = common.client()) {
            rows = client.shares();
        }
        if (json) {
            ArrayNode array = PolicyOutput.JSON.createArrayNode();
            rows.forEach(r -> array.add(PolicyOutput.share(r)));
            common.invocation().out().println(PolicyOutput.JSON.writeValueAsString(array));
            return ExitCodes.OK;
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-12s %-10s %6s %9s %10s %12s %9s %10s  %s%n", "PROJECT", "USER",
                "IMPORT", "SHARE", "NORMSHARE", "USAGE", "NORMUSAGE", "FAIRSHARE", "BUDGET"));
        for (ShareRow r : rows) {
            table.append(String.format(Locale.ROOT, "%-12s %-10s %6s %9.2f %10.4f %12.1f %9.4f %10.4f  %s%n",
                    r.user() == null ? r.project() : "", r.user() == null ? "" : r.user(),
                    r.user() == null ? Integer.toString(r.importance()) : "", r.share(), r.normalizedShare(), r.usage(),
                    r.normalizedUsage(), r.fairshare(), PolicyOutput.budgetLine(r.budget())));
        }
        common.invocation().out().print(table);
        return ExitCodes.OK;
    }
}
