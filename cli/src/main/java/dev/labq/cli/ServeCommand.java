package dev.labq.cli;

import dev.labq.core.LabqScheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the scheduler in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = {
        "Run the scheduler on the home until stopped. It replays the journal, re-attaches to jobs still",
        "running, then starts pending jobs by priority. SIGTERM or Ctrl-C stop it cleanly (exit 0);",
        "running jobs keep running and the next `labq serve` picks them up."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws InterruptedException {
        LabqScheduler scheduler = LabqScheduler.builder(common.home().root()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.close();
            System.err.println("labq serve: stopped cleanly");
            Runtime.getRuntime().halt(ExitCodes.OK); // a signal is how serve is meant to end
        }, "labq-shutdown"));
        System.err.println("labq serve: pid " + ProcessHandle.current().pid() + " serving " + scheduler.home().root()
                + " (" + scheduler.inventory().cpus() + " CPUs, " + scheduler.inventory().memoryMb() + "M, "
                + scheduler.inventory().gpus().size() + " GPUs); stop with Ctrl-C");
        new CountDownLatch(1).await();
        return ExitCodes.OK;
    }
}
