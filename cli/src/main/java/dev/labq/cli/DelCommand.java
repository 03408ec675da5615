package dev.labq.cli;

import picocli.CommandLine.Command;

/** Cancels jobs. */
@Command(name = "del", aliases = {"qdel", "scancel"}, description = {
        "Cancel jobs.",
        "Pending and held jobs end at once; running ones get TERM, then KILL after the grace period."})
final class DelCommand extends ControlCommand {
    @Override
    dev.labq.core.ring.Command.Action action() {
        return dev.labq.core.ring.Command.Action.CANCEL;
    }

    @Override
    String done() {
        return "cancel requested";
    }
}
