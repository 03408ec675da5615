package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import picocli.CommandLine.Command;

/** Cancels jobs. */
@Command(name = "del", aliases = {"qdel", "scancel"}, description = {
        "Cancel jobs.",
        "Pending and held jobs end at once; running ones get TERM, then KILL after the grace period."})
final class DelCommand extends ControlCommand {
    @Override
    void apply(LabqClient client, JobId job) {
        client.cancel(job);
    }

    @Override
    String done() {
        return "cancel requested";
    }
}
