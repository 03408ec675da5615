package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.ring.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** What del, hold and release share: apply one action to each named job, stop at the first failure. */
abstract class ControlCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "JOBID", converter = JobRef.Converter.class,
            description = "job ids; an array's id means all its tasks, ARRAY_TASK (e.g. 12_3) one of them")
    List<JobRef> jobs;

    abstract Command.Action action();

    abstract String done();

    @Override
    public Integer call() {
        try (LabqClient client = common.client()) {
            for (JobRef job : jobs) {
                client.control(action(), job.resolve(client), job.wholeArray());
                common.invocation().out().println("job " + job + " " + done());
            }
        }
        return ExitCodes.OK;
    }
}
