package dev.labq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.LabqException;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.PipelineTask;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.pipeline.DedupScope;
import dev.labq.core.pipeline.LandseerConfig;
import dev.labq.core.pipeline.LandseerPriorityPolicy;
import dev.labq.core.pipeline.LandseerScheduler;
import dev.labq.core.pipeline.PipelineFile;
import dev.labq.core.pipeline.PipelineJobs;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PipelineProgress;
import dev.labq.core.pipeline.PlannedTask;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.pipeline.Progress;
import dev.labq.core.pipeline.TaskStatus;
import dev.labq.core.state.JobStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Pipelines as DAGs of deduplicated tasks, from labq's pipeline files or Landseer's configurations. */
@Command(name = "pipeline", description = "Pipelines: workflows of tasks as DAGs, identical tasks run once.",
        subcommands = {PipelineCommand.Plan.class, PipelineCommand.Submit.class, PipelineCommand.Stat.class,
                PipelineCommand.Show.class, PipelineCommand.Retry.class, PipelineCommand.Cancel.class})
final class PipelineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: plan, submit, stat, show, cancel");
    }

    /** Where a pipeline comes from: a pipeline file, or a Landseer configuration with its runner. */
    static final class Source {
        @Parameters(index = "0", paramLabel = "FILE", description = "a pipeline file (YAML or JSON), or a Landseer config")
        Path file;

        @Option(names = "--landseer", description = "FILE is a Landseer pipeline configuration (stages of tools and noops)")
        boolean landseer;

        @Option(names = "--runner", paramLabel = "TEMPLATE",
                description = "with --landseer: the command line of a task, from {image}, {command}, {name}, {stage}"
                        + " (default: " + LandseerConfig.DEFAULT_RUNNER + ")")
        String runner;

        @Option(names = "--name", paramLabel = "NAME", description = "with --landseer: the pipeline's name (default: the file's)")
        String name;

        @Option(names = {"-A", "--project"}, paramLabel = "PROJECT", description = "with --landseer: the project (default: default)")
        String project;

        /**
         * Reads and plans the pipeline; refuses, naming the place, what is not a valid one. Under
         * {@code dedup: project} the home's jobs say which tasks have a result to reuse.
         */
        PipelinePlan plan(CommonOptions common) {
            Invocation invocation = common.invocation();
            if (!landseer && (runner != null || name != null || project != null)) {
                throw new InvalidInputException("--runner/--name/--project", "given",
                        "these apply to --landseer only; a pipeline file names its own project");
            }
            Path path = invocation.resolve(file);
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InvalidInputException("FILE", path, "cannot read it (" + e.getMessage() + "); give a readable file");
            }
            String source = path.getFileName().toString();
            PipelinePlan plan = landseer
                    ? LandseerConfig.parse(text, source).plan(name != null ? name : Plan.baseName(source),
                            project != null ? project : "default", runner != null ? runner : LandseerConfig.DEFAULT_RUNNER)
                    : PipelineFile.planWith(text, source, spec -> spec.dedup() != DedupScope.PROJECT ? PriorResults.none()
                            : priorResults(common, spec.project()));
            return plan.inDirectory(invocation.resolve(Path.of("")).toString()); // as `labq submit`: where it was typed
        }

        private static PriorResults priorResults(CommonOptions common, String project) {
            try (LabqClient client = common.client()) {
                return client.priorResults(project);
            }
        }
    }

    /**
     * Validates a pipeline and prints its plan without submitting anything: the unique tasks with their keys,
     * dependencies and Landseer counters, and the order Landseer's policy starts them in.
     */
    @Command(name = "plan", description = {
            "Validate a pipeline file (or with --landseer a Landseer configuration) and print its plan: every",
            "unique task with its dependencies, dependency level, usage counter and Landseer priority, the",
            "workflows, and how many task uses deduplication saves. Nothing is submitted."})
    static final class Plan implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        Source source;

        @Option(names = "--json", description = "print the plan as one JSON object")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PipelinePlan plan = source.plan(common);
            PrintStream out = common.invocation().out();
            if (json) {
                ObjectNode node = PolicyOutput.JSON.valueToTree(plan);
                node.put("taskUses", plan.taskUses());
                node.put("usesSavedByDedup", plan.usesSavedByDedup());
                node.set("landseerOrder", PolicyOutput.JSON.valueToTree(landseerOrder(plan).stream().map(PlannedTask::id).toList()));
                out.println(PolicyOutput.JSON.writeValueAsString(node));
            } else {
                print(plan, out);
            }
            return ExitCodes.OK;
        }

        static String baseName(String fileName) {
            int dot = fileName.lastIndexOf('.');
            return dot > 0 ? fileName.substring(0, dot) : fileName;
        }

        /**
         * The order Landseer's policy starts the tasks in, one at a time, each completing before the next is
         * asked for: its scheduler driven to the end.
         */
        private static List<PlannedTask> landseerOrder(PipelinePlan plan) {
            LandseerScheduler scheduler = new LandseerScheduler(plan);
            List<PlannedTask> order = new ArrayList<>(plan.tasks().size());
            for (Optional<PlannedTask> next = scheduler.nextTask(); next.isPresent(); next = scheduler.nextTask()) {
                order.add(next.get());
                scheduler.updateTaskStatus(next.get().id(), TaskStatus.COMPLETED);
            }
            return order;
        }

        private static void print(PipelinePlan plan, PrintStream out) {
            out.printf(Locale.ROOT, "pipeline %s (project %s, dedup %s%s): %d workflows, %d task uses, %d unique tasks,"
                            + " %d uses saved by dedup%n", plan.name(), plan.project(), plan.dedup().name().toLowerCase(Locale.ROOT),
                    plan.policy() != null ? ", policy " + plan.policy() : "", plan.workflows().size(), plan.taskUses(),
                    plan.tasks().size(), plan.usesSavedByDedup());
            out.printf(Locale.ROOT, "%-9s %-16s %-28s %-22s %5s %7s %8s  %s%n",
                    "TASK", "STAGE", "NAME", "AFTER", "LEVEL", "COUNTER", "PRIORITY", "KEY");
            for (PlannedTask t : plan.tasks()) {
                String after = t.dependencies().isEmpty() ? "-"
                        : t.dependencies().stream().map(PlannedTask::idOf).collect(Collectors.joining(","));
                out.printf(Locale.ROOT, "%-9s %-16s %-28s %-22s %5d %7d %8d  %s%n", t.id(),
                        t.stage() == null ? "-" : t.stage(), t.name(), after, t.dependencyLevel(), t.usageCounter(),
                        t.priority(), t.taskKey().substring(0, 12) + (t.reusedFrom() == null ? "" : "  reuses job " + t.reusedFrom()));
            }
            out.println("Landseer order (the ready task of lowest dependency level x 1000 - usage counter first, one at"
                    + " a time): " + landseerOrder(plan).stream().map(PlannedTask::id).collect(Collectors.joining(" ")));
        }
    }

    /** Submits a pipeline: all of its tasks as jobs in one journal entry, or nothing. */
    @Command(name = "submit", description = {
            "Submit a pipeline (or with --landseer a Landseer configuration): every unique task becomes a job,",
            "after the jobs of the tasks it depends on, all in one journal entry; a refused pipeline writes",
            "nothing. Prints the pipeline's id (its first job's id) and its jobs."})
    static final class Submit implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        Source source;

        @Option(names = "--json", description = "print {pipeline, name, jobs: {task id: job id}} as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PipelinePlan plan = source.plan(common);
            JobId first;
            try (LabqClient client = common.client()) {
                first = client.submitPipeline(plan, common.invocation().user());
            }
            PrintStream out = common.invocation().out();
            if (json) {
                ObjectNode node = PolicyOutput.JSON.createObjectNode();
                node.put("pipeline", first.value());
                node.put("name", plan.name());
                ObjectNode jobs = node.putObject("jobs");
                for (PlannedTask task : plan.tasks()) {
                    jobs.put(task.id(), first.value() + task.index());
                }
                out.println(PolicyOutput.JSON.writeValueAsString(node));
            } else {
                out.printf(Locale.ROOT, "pipeline %d (%s): %d jobs, %d to %d%n", first.value(), plan.name(), plan.tasks().size(),
                        first.value(), first.value() + plan.tasks().size() - 1);
            }
            return ExitCodes.OK;
        }
    }

    /** The jobs of pipeline {@code id}, read from the home; unknown ids are refused. */
    private static List<JobStatus> jobsOf(CommonOptions common, JobId id) {
        return jobsOf(id, allJobs(common));
    }

    private static List<JobStatus> allJobs(CommonOptions common) {
        try (LabqClient client = common.client()) {
            return client.stat(List.of());
        }
    }

    /** The jobs of pipeline {@code id} among {@code all}; unknown ids are refused. */
    private static List<JobStatus> jobsOf(JobId id, List<JobStatus> all) {
        List<JobStatus> jobs = PipelineJobs.jobsOf(id.value(), all);
        if (jobs.isEmpty()) {
            throw new UnknownJobException("pipeline", id);
        }
        return jobs;
    }

    /** Progress of a pipeline, in all, per stage and per workflow, like Landseer's {@code get_progress()}. */
    @Command(name = "stat", description = "Show a pipeline's progress: total, pending, running, completed and failed,"
            + " in all, per stage and per workflow.")
    static final class Stat implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", converter = JobIdsParameter.class, description = "pipeline id")
        JobId id;

        @Option(names = "--json", description = "print {total, byStage, byWorkflow} as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            List<JobStatus> jobs = jobsOf(common, id);
            PipelineProgress progress = PipelineJobs.progress(jobs);
            PrintStream out = common.invocation().out();
            if (json) {
                ObjectNode node = PolicyOutput.JSON.valueToTree(progress);
                node.put("pipeline", id.value());
                node.put("name", jobs.get(0).spec().pipeline().pipeline());
                out.println(PolicyOutput.JSON.writeValueAsString(node));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "pipeline %d (%s)%n", id.value(), jobs.get(0).spec().pipeline().pipeline());
            out.printf(Locale.ROOT, "%-10s %-24s %6s %8s %8s %10s %7s%n", "", "", "TOTAL", "PENDING", "RUNNING", "COMPLETED", "FAILED");
            row(out, "all", "", progress.total());
            progress.byStage().forEach((name, p) -> row(out, "stage", name, p));
            progress.byWorkflow().forEach((name, p) -> row(out, "workflow", name, p));
            return ExitCodes.OK;
        }

        private static void row(PrintStream out, String kind, String name, Progress p) {
            out.printf(Locale.ROOT, "%-10s %-24s %6d %8d %8d %10d %7d%n", kind, name, p.total(), p.pending(), p.running(),
                    p.completed(), p.failed());
        }
    }

    /** Every task of a pipeline with its job: what {@code pipeline show ID --json} prints. */
    @Command(name = "show", description = "Show every task of a pipeline with its job id, taskKey, dependency level,"
            + " usage counter, Landseer priority, state and workflows.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", converter = JobIdsParameter.class, description = "pipeline id")
        JobId id;

        @Option(names = "--json", description = "print {pipeline, name, tasks: [...]} as JSON")
        boolean json;

        @Override
        public Integer call() throws IOException {
            List<JobStatus> jobs = jobsOf(common, id);
            PrintStream out = common.invocation().out();
            ObjectNode node = PolicyOutput.JSON.createObjectNode();
            node.put("pipeline", id.value());
            node.put("name", jobs.get(0).spec().pipeline().pipeline());
            var tasks = node.putArray("tasks");
            for (JobStatus job : jobs) {
                PipelineTask t = job.spec().pipeline();
                ObjectNode task = tasks.addObject();
                task.put("task", t.task());
                task.put("job", job.id().value());
                task.put("name", job.spec().name());
                task.put("taskKey", t.taskKey());
                if (t.stage() != null) {
                    task.put("stage", t.stage());
                }
                task.put("dependencyLevel", t.dependencyLevel());
                task.put("usageCounter", t.usageCounter());
                task.put("priority", LandseerPriorityPolicy.priority(t.dependencyLevel(), t.usageCounter()));
                task.put("state", job.state().name());
                if (t.reusesResult()) {
                    task.put("reuses", t.reuses());
                }
                task.set("after", PolicyOutput.JSON.valueToTree(job.spec().afterOk().stream().map(JobId::value).toList()));
                task.set("workflows", PolicyOutput.JSON.valueToTree(t.workflows()));
            }
            if (json) {
                out.println(PolicyOutput.JSON.writeValueAsString(node));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "pipeline %d (%s)%n", id.value(), node.get("name").asText());
            out.printf(Locale.ROOT, "%-9s %7s %-28s %-10s %5s %7s %8s  %s%n", "TASK", "JOB", "NAME", "STATE", "LEVEL", "COUNTER",
                    "PRIORITY", "WORKFLOWS");
            for (var task : tasks) {
                out.printf(Locale.ROOT, "%-9s %7d %-28s %-10s %5d %7d %8d  %s%n", task.get("task").asText(), task.get("job").asLong(),
                        task.get("name").asText(), task.get("state").asText(), task.get("dependencyLevel").asInt(),
                        task.get("usageCounter").asInt(), task.get("priority").asInt(), String.join(",",
                                PolicyOutput.JSON.convertValue(task.get("workflows"), String[].class)));
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Requeues a pipeline's jobs that ended unsuccessfully, DAGMan's rescue: the failed tasks run again, and the
     * tasks after them (waiting under {@code onFailure: hold}, or cancelled with {@code DependencyNeverSatisfied})
     * follow once they complete.
     */
    @Command(name = "retry", description = {
            "Run a pipeline's failed, cancelled and timed-out jobs again; completed ones keep their results.",
            "Downstream tasks run after the retried ones complete."})
    static final class Retry implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", converter = JobIdsParameter.class, description = "pipeline id")
        JobId id;

        @Override
        public Integer call() {
            List<JobStatus> jobs = jobsOf(common, id);
            int requeued = 0;
            try (LabqClient client = common.client()) {
                for (JobStatus job : jobs) {
                    if (job.isTerminal() && job.state() != JobState.COMPLETED) {
                        try {
                            client.control(dev.labq.core.ring.Command.Action.REQUEUE, job.id(), false);
                            requeued++;
                        } catch (LabqException e) {
                            if (e.kind() != LabqException.Kind.ILLEGAL_STATE) {
                                throw e;
                            }
                            // it changed meanwhile (its dependency failed again): it stays as it is
                        }
                    }
                }
            }
            common.invocation().out().printf(Locale.ROOT, "pipeline %d: %d of %d jobs requeued%n", id.value(), requeued, jobs.size());
            return ExitCodes.OK;
        }
    }

    /**
     * Cancels a pipeline's jobs that have not ended, except those another live pipeline reuses the result of
     * ({@code dedup: project}): that one still needs them.
     */
    @Command(name = "cancel", description = {"Cancel every pending or running job of a pipeline, except one whose",
            "result another pipeline that has not ended waits to reuse (dedup: project)."})
    static final class Cancel implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", converter = JobIdsParameter.class, description = "pipeline id")
        JobId id;

        @Override
        public Integer call() {
            int cancelled = 0;
            List<JobStatus> all = allJobs(common);
            List<JobStatus> jobs = jobsOf(id, all); // and the others: a live one may reuse this one's jobs
            Map<Long, Long> neededBy = new HashMap<>(); // job -> a live pipeline reusing its result
            for (JobStatus job : all) {
                PipelineTask task = job.spec().pipeline();
                if (task != null && task.reusesResult() && task.pipelineId() != id.value() && !job.isTerminal()) {
                    neededBy.putIfAbsent(task.reuses(), task.pipelineId());
                }
            }
            // What those need runs too: the jobs of this pipeline they wait on, transitively.
            Map<Long, JobStatus> mine = new HashMap<>();
            jobs.forEach(j -> mine.put(j.id().value(), j));
            ArrayDeque<Long> upstream = new ArrayDeque<>(neededBy.keySet());
            while (!upstream.isEmpty()) {
                JobStatus needed = mine.get(upstream.poll());
                if (needed == null) {
                    continue;
                }
                long by = neededBy.get(needed.id().value());
                for (JobId parent : needed.spec().afterOk()) {
                    if (mine.containsKey(parent.value()) && neededBy.putIfAbsent(parent.value(), by) == null) {
                        upstream.add(parent.value());
                    }
                }
            }
            List<String> kept = new ArrayList<>();
            try (LabqClient client = common.client()) {
                // Downstream first: cancelling a task ends its dependents too, and they come after it.
                for (int i = jobs.size() - 1; i >= 0; i--) {
                    JobStatus job = jobs.get(i);
                    if (job.isTerminal()) {
                        continue;
                    }
                    Long other = neededBy.get(job.id().value());
                    if (other != null) {
                        kept.add("job " + job.id() + " (pipeline " + other + " needs it)");
                        continue;
                    }
                    try {
                        client.cancel(job.id());
                        cancelled++;
                    } catch (IllegalJobStateChangeException e) {
                        // it ended meanwhile
                    }
                }
            }
            common.invocation().out().printf(Locale.ROOT, "pipeline %d: %d of %d jobs cancelled%s%n", id.value(), cancelled,
                    jobs.size(), kept.isEmpty() ? "" : "; kept " + String.join(", ", kept));
            return ExitCodes.OK;
        }
    }
}
