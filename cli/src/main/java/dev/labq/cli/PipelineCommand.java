package dev.labq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.pipeline.LandseerConfig;
import dev.labq.core.pipeline.LandseerScheduler;
import dev.labq.core.pipeline.PipelineFile;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PlannedTask;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.pipeline.TaskStatus;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** Pipelines as DAGs of deduplicated tasks, from labq's pipeline files or Landseer's configurations. */
@Command(name = "pipeline", description = "Plan pipelines: workflows of tasks, identical tasks run once.",
        subcommands = PipelineCommand.Plan.class)
final class PipelineCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: plan");
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

        @Option(names = "--json", description = "print the plan as one JSON object")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (!landseer && (runner != null || name != null || project != null)) {
                throw new InvalidInputException("--runner/--name/--project", "given",
                        "these apply to --landseer only; a pipeline file names its own project");
            }
            Path path = common.invocation().resolve(file);
            String text;
            try {
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new InvalidInputException("FILE", path, "cannot read it (" + e.getMessage() + "); give a readable file");
            }
            String source = path.getFileName().toString();
            PipelinePlan plan = landseer
                    ? LandseerConfig.parse(text, source).plan(name != null ? name : baseName(source),
                            project != null ? project : "default", runner != null ? runner : LandseerConfig.DEFAULT_RUNNER)
                    : PipelineFile.plan(text, source, PriorResults.none());
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

        private static String baseName(String fileName) {
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
                        t.priority(), t.taskKey().substring(0, 12));
            }
            out.println("Landseer order (the ready task of lowest dependency level x 1000 - usage counter first, one at"
                    + " a time): " + landseerOrder(plan).stream().map(PlannedTask::id).collect(Collectors.joining(" ")));
        }
    }
}
