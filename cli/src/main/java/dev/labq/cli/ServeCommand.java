package dev.labq.cli;

import dev.labq.core.LabqException;
import dev.labq.core.LabqScheduler;
import dev.labq.core.client.InProcessClient;
import dev.labq.core.client.LabqClient;
import dev.labq.core.rpc.RemoteCommands;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Runs the scheduler in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = {
        "Run the scheduler on the home until stopped.",
        "With --drain, SIGTERM first waits for the running jobs to end (starting no new ones).",
        "It replays the journal, then starts pending jobs by priority, and serves the other labq commands",
        "on the home's socket. SIGTERM or Ctrl-C stop it cleanly (exit 0); running jobs keep running and",
        "the next `labq serve` picks them up."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @picocli.CommandLine.Option(names = "--drain", description = "on SIGTERM, start nothing more and wait for running jobs to end")
    boolean drain;

    @Override
    public Integer call() {
        java.io.PrintStream err = common.invocation().err();
        LabqScheduler scheduler = LabqScheduler.builder(common.home().root()).serveCommands(ServeCommand::commands)
                .replayProgress(n -> err.printf("\rlabq serve: replaying the journal: %,d entries", n)).start();
        err.print("\r"); // over the progress line, if there was one
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int code = ExitCodes.STORAGE;
            try {
                if (drain) {
                    common.invocation().err().println("labq serve: draining: waiting for running jobs to end");
                    scheduler.drain().join();
                }
                scheduler.close();
                common.invocation().err().println("labq serve: stopped cleanly");
                code = ExitCodes.OK; // a signal is how serve is meant to end
            } catch (RuntimeException e) {
                common.invocation().err().println("labq serve: stopping failed: " + e.getMessage());
            } finally {
                Runtime.getRuntime().halt(code);
            }
        }, "labq-shutdown"));
        common.invocation().err().println("labq serve: pid " + ProcessHandle.current().pid() + " serving "
                + scheduler.home().root() + " (" + scheduler.inventory().cpus() + " CPUs, "
                + scheduler.inventory().memoryMb() + "M, " + scheduler.inventory().gpus().size()
                + " GPUs); stop with Ctrl-C");
        LabqException failure = scheduler.stoppedByFailure().join(); // normally never: serve ends by a signal
        common.invocation().err().println("labq serve: " + failure.getMessage());
        System.exit(ExitCodes.of(failure.kind())); // runs the hook above, which closes what can be closed
        return ExitCodes.of(failure.kind());
    }

    /** Client command lines run here, in the client's context, against this scheduler directly. */
    static RemoteCommands commands(LabqScheduler scheduler) {
        return (invocation, out, err) -> {
            if (invocation.args().isEmpty() || !ThinClient.FORWARDED.contains(invocation.args().get(0))) {
                err.println("labq: " + invocation.args() + " is not run by a scheduler; run it locally");
                return ExitCodes.USAGE;
            }
            Invocation context = new Invocation(Path.of(invocation.cwd()), invocation.user(), invocation.zone(),
                    invocation.env(), out, err,
                    home -> home.equals(scheduler.home()) ? new InProcessClient(scheduler) : LabqClient.direct(home));
            return LabqCommand.run(context, invocation.args().toArray(String[]::new));
        };
    }
}
