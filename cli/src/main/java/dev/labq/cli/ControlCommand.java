package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** What del, hold and release share: apply one action to each named job, stop at the first failure. */
abstract class ControlCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "JOBID", converter = JobIdsParameter.class, description = "job ids")
    List<JobId> jobs;

    abstract void apply(LabqClient client, JobId job);

    abstract String done();

    @Override
    public Integer call() {
        try (LabqClient client = common.client()) {
            for (JobId job : jobs) {
                apply(client, job);
                common.invocation().out().println("job " + job + " " + done());
            }
        }
        return ExitCodes.OK;
    }
}
