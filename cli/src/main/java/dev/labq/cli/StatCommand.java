package dev.labq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/** Lists jobs, {@code squeue}-style. */
@Command(name = "stat", aliases = {"qstat", "squeue"}, description = {
        "List jobs.",
        "Shows pending, held and running jobs, and those that ended in the last 5 minutes (all with -a).",
        "REASON says why a pending job waits (Priority, Resources, Dependency, Held, NoScheduler,",
        "BudgetCap(...), BudgetAllowance(...)) or how an ended one ended; `labq explain ID` says more."})
final class StatCommand implements Callable<Integer> {
    static final long RECENT_MILLIS = 5 * 60_000;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "JOBID", converter = JobIdsParameter.class, description = "only these jobs (any state)")
    List<JobId> ids = new ArrayList<>();

    @Option(names = {"-a", "--all"}, description = "every job, however long ago it ended")
    boolean all;

    @Option(names = {"-A", "--project", "--account"}, paramLabel = "PROJECT", description = "only this project's jobs")
    String project;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "only this user's jobs")
    String user;

    @Option(names = "--json", description = "print a JSON array of the jobs, every field")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<JobStatus> jobs;
        try (LabqClient client = common.client()) {
            jobs = client.stat(ids);
        }
        long now = dev.labq.core.time.Clock.system().millis();
        List<JobStatus> shown = jobs.stream()
                .filter(j -> !ids.isEmpty() || all || !j.isTerminal() || j.endMillis() == null || now - j.endMillis() < RECENT_MILLIS)
                .filter(j -> project == null || project.equals(j.spec().project()))
                .filter(j -> user == null || user.equals(j.spec().user()))
                .sorted(Comparator.comparingLong(j -> j.id().value()))
                .toList();
        if (json) {
            ObjectMapper mapper = EventCodec.Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);
            common.invocation().out().println(mapper.writeValueAsString(shown));
        } else {
            print(shown, now, common.invocation().out());
        }
        return ExitCodes.OK;
    }

    static void print(List<JobStatus> jobs, long now, PrintStream out) {
        String format = "%7s %-16s %-10s %-8s %-9s %10s  %s%n";
        StringBuilder table = new StringBuilder(64 * (jobs.size() + 1));
        table.append(String.format(format, "JOBID", "NAME", "PROJECT", "USER", "STATE", "TIME", "REASON"));
        for (JobStatus j : jobs) {
            table.append(String.format(format, j.id(), cut(j.spec().name(), 16), cut(j.spec().project(), 10),
                    cut(j.spec().user(), 8), j.state(), elapsed(j, now), reason(j)));
        }
        out.print(table);
    }

    private static String reason(JobStatus j) {
        String why = j.reason() == null ? "" : j.reason();
        if (j.exitCode() != null && !why.startsWith("exit code")) {
            why = "exit " + j.exitCode() + (why.isEmpty() ? "" : " " + why);
        }
        if (j.allocation() != null && !j.allocation().gpuIds().isEmpty()) {
            why = "gpus=" + j.allocation().gpuIds() + (why.isEmpty() ? "" : " " + why);
        }
        return why;
    }

    private static String elapsed(JobStatus j, long now) {
        if (j.startMillis() == null) {
            return "0:00";
        }
        long end = j.endMillis() != null ? j.endMillis() : now;
        return clock(Math.max(0, (end - j.startMillis()) / 1000));
    }

    /** Seconds as {@code M:SS} or {@code H:MM:SS}. */
    static String clock(long s) {
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }
}
