package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Takes a GPU out of service, as {@code scontrol update nodename=... state=drain reason=...} does a node. */
@Command(name = "drain", description = {
        "Take a GPU out of service: no new job goes to it; the jobs on it run to their end. Journaled;",
        "`labq resume gpu:ID` puts it back."})
final class DrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "gpu:ID", description = "the device, as `labq gpus` lists it")
    String device;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (shown by `labq gpus`)")
    String reason;

    @Override
    public Integer call() {
        int gpu = GpusCommand.device(device);
        try (LabqClient client = common.client()) {
            client.drainGpu(gpu, reason);
        }
        common.invocation().out().println("gpu " + gpu + " drained: " + reason.strip());
        return ExitCodes.OK;
    }
}
