package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import picocli.CommandLine.Command;

/** Releases held jobs. */
@Command(name = "release", description = "Release held jobs: they become pending again.")
final class ReleaseCommand extends ControlCommand {
    @Override
    void apply(LabqClient client, JobId job) {
        client.release(job);
    }

    @Override
    String done() {
        return "released";
    }
}
