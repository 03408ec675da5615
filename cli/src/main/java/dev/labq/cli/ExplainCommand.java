package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.decision.Explanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Why a job is where it is, and when it should start: more than {@code sprio} and {@code squeue -r} together. */
@Command(name = "explain", description = {
        "Explain a job: its priority and each factor's value, weight and contribution (they add up to the",
        "priority), why it is not running, the jobs ahead of it, its estimated start from the reservation",
        "plan, and its project's and user's budgets."})
final class ExplainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "JOBID", converter = JobRef.Converter.class,
            description = "job id; ARRAY_TASK (e.g. 12_3) for one task of an array, whose id alone is its first task")
    JobRef job;

    @Option(names = "--json", description = "print one JSON object (fields: priority, factors, reason, ahead, estimatedStart, budget, ...)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Explanation e;
        try (LabqClient client = common.client()) {
            e = client.explain(job.resolve(client));
        }
        if (json) {
            common.invocation().out().println(PolicyOutput.JSON.writeValueAsString(PolicyOutput.explanation(e)));
        } else {
            PolicyOutput.printExplanation(e, dev.labq.core.time.Clock.system().millis(), common.invocation().out());
        }
        return ExitCodes.OK;
    }
}
