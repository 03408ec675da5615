package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Puts a drained or failed GPU back in service ({@code scontrol update ... state=resume}). */
@Command(name = "resume", description = "Put a drained or failed GPU back in service. Journaled.")
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "gpu:ID", description = "the device, as `labq gpus` lists it")
    String device;

    @Override
    public Integer call() {
        int gpu = GpusCommand.device(device);
        try (LabqClient client = common.client()) {
            client.resumeGpu(gpu);
        }
        common.invocation().out().println("gpu " + gpu + " resumed");
        return ExitCodes.OK;
    }
}
