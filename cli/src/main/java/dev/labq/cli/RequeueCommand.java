package dev.labq.cli;

import picocli.CommandLine.Command;

/** Runs jobs that ended unsuccessfully again, like {@code scontrol requeue}. */
@Command(name = "requeue", description = {
        "Run jobs that failed, were cancelled or timed out again: they are pending once more, their next",
        "start the next attempt. An array's id requeues each such task of it."})
final class RequeueCommand extends ControlCommand {
    @Override
    dev.labq.core.ring.Command.Action action() {
        return dev.labq.core.ring.Command.Action.REQUEUE;
    }

    @Override
    String done() {
        return "requeued";
    }
}
