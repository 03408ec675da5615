package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.TimeSpecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** Changes jobs that have not ended, like {@code qalter} or {@code scontrol update job}. */
@Command(name = "alter", aliases = {"qalter"}, description = {
        "Change jobs that have not ended: deadline, importance, time limit, nice.",
        "Journaled; the next decision orders by it (see `labq explain ID`). A running job is held",
        "to a new time limit counted from its start."})
final class AlterCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "JOBID", converter = JobRef.Converter.class,
            description = "job ids; ARRAY_TASK (e.g. 12_3) for one task of an array, whose id alone is its first task")
    List<JobRef> jobs;

    @Option(names = "--deadline", paramLabel = "WHEN", description = "finish by: 2026-12-01T12:00 (your time zone), ...Z, or +2h")
    String deadline;

    @Option(names = "--importance", paramLabel = "N", description = "the job's own importance (0..1000000)")
    Integer importance;

    @Option(names = {"-t", "--time"}, paramLabel = "TIME", description = "time limit: minutes, M:S, H:M:S or D-H:M:S")
    String time;

    @Option(names = "--nice", paramLabel = "N", description = "lower the job's priority (0..10000)")
    Integer nice;

    @Override
    public Integer call() {
        Alteration change = new Alteration(
                deadline == null ? null : TimeSpecs.parseDeadlineMillis(deadline, dev.labq.core.time.Clock.system().millis(),
                        common.invocation().zone()),
                importance, time == null ? null : TimeSpecs.parseTimeLimitSeconds(time), nice);
        try (LabqClient client = common.client()) {
            for (JobRef job : jobs) {
                client.alter(job.resolve(client), change);
                common.invocation().out().println("job " + job + " altered");
            }
        }
        return ExitCodes.OK;
    }
}
