package dev.labq.cli;

import picocli.CommandLine.Command;

/** Releases held jobs. */
@Command(name = "release", description = "Release held jobs: they become pending again.")
final class ReleaseCommand extends ControlCommand {
    @Override
    dev.labq.core.ring.Command.Action action() {
        return dev.labq.core.ring.Command.Action.RELEASE;
    }

    @Override
    String done() {
        return "released";
    }
}
