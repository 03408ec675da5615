package dev.labq.cli;

import picocli.CommandLine.Command;

/** Holds pending jobs. */
@Command(name = "hold", description = "Hold pending jobs: they wait until released.")
final class HoldCommand extends ControlCommand {
    @Override
    dev.labq.core.ring.Command.Action action() {
        return dev.labq.core.ring.Command.Action.HOLD;
    }

    @Override
    String done() {
        return "held";
    }
}
