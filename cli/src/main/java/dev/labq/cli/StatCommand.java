package dev.labq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
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
        "REASON says why a pending job waits (Priority, Resources, Dependency, DependencyFailed, Held, NoScheduler,",
        "JobArrayTaskLimit, BudgetCap(...), BudgetAllowance(...)) or how an ended one ended; `labq explain ID`",
        "says more. An array's pending tasks that wait for the same reason show as one line, ID_[INDICES]."})
final class StatCommand implements Callable<Integer> {
    static final long RECENT_MILLIS = 5 * 60_000;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "JOBID", converter = JobRef.Converter.class,
            description = "only these jobs (any state); an array's id means all its tasks, ARRAY_TASK one of them")
    List<JobRef> ids = new ArrayList<>();

    @Option(names = {"-r", "--array"}, description = "one line per array task, not one for an array's pending tasks")
    boolean eachTask;

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
            jobs = client.stat(named(client));
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
            print(shown, now, eachTask, common.invocation().out());
        }
        return ExitCodes.OK;
    }

    /** The ids asked for, an array's id standing for every one of its tasks; none: all jobs. */
    private List<JobId> named(LabqClient client) {
        List<JobId> named = new ArrayList<>();
        for (JobRef ref : ids) {
            JobId id = ref.resolve(client);
            ArraySpec array = ref.wholeArray() ? client.stat(List.of(id)).get(0).arrayItNames() : null;
            if (array != null) {
                for (int i = 0; i < array.size(); i++) {
                    named.add(JobId.of(id.value() + i));
                }
            } else {
                named.add(id);
            }
        }
        return named;
    }

    /**
     * Prints one line per job, ordered by id; an array task's id is written {@code ARRAY_TASK}, and unless
     * {@code eachTask} the array's pending tasks that wait for one reason, one after another, fold into a line
     * {@code ARRAY_[INDICES]}, as {@code squeue} does.
     */
    static void print(List<JobStatus> jobs, long now, boolean eachTask, PrintStream out) {
        String format = "%7s %-16s %-10s %-8s %-9s %10s  %s%n";
        StringBuilder table = new StringBuilder(64 * (jobs.size() + 1));
        table.append(String.format(format, "JOBID", "NAME", "PROJECT", "USER", "STATE", "TIME", "REASON"));
        for (int i = 0; i < jobs.size(); ) {
            JobStatus j = jobs.get(i);
            int end = i + 1;
            String id = j.spec().array() == null ? j.id().toString() : j.spec().array().label();
            if (!eachTask && foldable(j)) {
                List<Integer> indices = new ArrayList<>();
                indices.add(j.spec().array().taskId());
                while (end < jobs.size() && foldsWith(j, jobs.get(end))) {
                    indices.add(jobs.get(end++).spec().array().taskId());
                }
                if (indices.size() > 1) {
                    id = j.spec().array().arrayId() + "_[" + indexList(indices) + j.spec().array().limitText() + "]";
                }
            }
            table.append(String.format(format, id, cut(j.spec().name(), 16), cut(j.spec().project(), 10),
                    cut(j.spec().user(), 8), j.state(), elapsed(j, now), reason(j)));
            i = end;
        }
        out.print(table);
    }

    private static boolean foldable(JobStatus j) {
        return j.spec().array() != null && j.state() == JobState.PENDING;
    }

    private static boolean foldsWith(JobStatus first, JobStatus next) {
        return foldable(next) && next.spec().array().arrayId() == first.spec().array().arrayId()
                && java.util.Objects.equals(next.reason(), first.reason());
    }

    /** Ascending indices as runs: {@code 3-9}, {@code 0-12:4} for a run with a step, single ones by commas. */
    static String indexList(List<Integer> indices) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < indices.size(); ) {
            int start = indices.get(i);
            int end = i;
            int step = i + 1 < indices.size() ? indices.get(i + 1) - start : 1;
            while (end + 1 < indices.size() && indices.get(end + 1) - indices.get(end) == step) {
                end++;
            }
            if (out.length() > 0) {
                out.append(',');
            }
            if (end == i || step > 1 && end == i + 1) {
                out.append(start); // a pair with a gap reads better as two numbers
                end = i;
            } else {
                out.append(start).append('-').append(indices.get(end));
                if (step > 1) {
                    out.append(':').append(step);
                }
            }
            i = end + 1;
        }
        return out.toString();
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
