package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import picocli.CommandLine.Command;

/** Holds pending jobs. */
@Command(name = "hold", description = "Hold pending jobs: they wait until released.")
final class HoldCommand extends ControlCommand {
    @Override
    void apply(LabqClient client, JobId job) {
        client.hold(job);
    }

    @Override
    String done() {
        return "held";
    }
}
