package dev.labq.bench;

import dev.labq.core.client.LabqClient;
import dev.labq.core.client.PipelineSubmission;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.pipeline.DedupScope;
import dev.labq.core.pipeline.PipelineFile;
import dev.labq.core.pipeline.PipelinePlan;
import dev.labq.core.pipeline.PipelinePlanner;
import dev.labq.core.pipeline.PipelineSpec;
import dev.labq.core.pipeline.PriorResults;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What accepting a large pipeline costs, from its file to its first dispatch, against submitting its unique
 * tasks one by one as separate jobs (what a user would script without pipelines):
 *
 * <pre>
 *   pipeline file (S stages, O options each: O^S workflows, S x O^S task uses, O + O^2 + ... + O^S unique tasks)
 *     parse ─▶ plan (validate, key every task, dedup) ─▶ submit (validate each job, one journal entry)
 *     ─▶ first dispatch (fold the entry, decide)
 *   baseline: the same unique tasks submitted one by one (validate, one numbered entry each, dependencies by
 *             job id; the dependencies' existence is not looked up, which a real client would fold the journal for)
 * </pre>
 *
 * <p>The shape is Landseer's: every combination of one option per stage is a workflow, each stage's task
 * after the previous stage's, so shared prefixes are one task. Arguments: {@code --stages 4 --options 10}
 * (11,110 unique tasks of 40,000 uses); {@code --quick}: 3 stages of 10 (1,110 of 3,000).
 */
public final class PipelineSubmitBench implements Harness {
    private static final String USAGE = "usage: bench/run pipeline-submit [--stages 4] [--options 10]";

    @Override
    public String summary() {
        return "parse, plan (dedup) and submit a large pipeline as one entry, to first dispatch, vs one submit per task";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--stages", "--options"));
        int stages = given.wholeNumber("--stages", quick ? 3 : 4, 1);
        int options = given.wholeNumber("--options", 10, 1);
        String file = pipelineFile(stages, options);
        out.printf(Locale.ROOT, "pipeline-submit: %d stages x %d options: %,d workflows, file of %,d bytes%n",
                stages, options, (long) Math.pow(options, stages), file.length());

        // Warm-up on a small one, untimed: class loading and JIT.
        try (TempHome warm = TempHome.create("labq-pipeline-warm", 64, "256G", 1)) {
            PipelineSubmission.submit(warm.home(), PipelineFile.plan(pipelineFile(2, 5), "warm.yaml", PriorResults.none()), "bench");
        }

        long t0 = System.nanoTime();
        PipelineSpec pipeline = PipelineFile.parse(file, "bench.yaml");
        long read = System.nanoTime();
        PipelinePlan parsed = PipelinePlanner.plan(pipeline, PriorResults.none());
        long planned = System.nanoTime();
        JobId first;
        double acceptMs;
        double totalMs;
        double dispatchMs;
        double lookupMs;
        double replanMs;
        long reused;
        try (TempHome home = TempHome.create("labq-pipeline-bench", 64, "256G", 1)) {
            long s0 = System.nanoTime();
            first = PipelineSubmission.submit(home.home(), parsed, "bench");
            long submitted = System.nanoTime();
            acceptMs = (submitted - s0) / 1e6;
            totalMs = (submitted - t0) / 1e6;
            long d0 = System.nanoTime();
            int started = firstDispatch(home);
            dispatchMs = (System.nanoTime() - d0) / 1e6;
            out.printf(Locale.ROOT, "  read (parse, validate) %.1f ms, plan (key, dedup) %.1f ms; submit (validate %,d jobs, one entry) %.1f ms;"
                            + " first decision (fold, decide: %d started) %.1f ms%n",
                    (read - t0) / 1e6, (planned - read) / 1e6, parsed.tasks().size(), (submitted - s0) / 1e6, started, dispatchMs);
            // dedup: project against the home that now holds the pipeline: the results by task key, then a plan reusing them.
            long p0 = System.nanoTime();
            PriorResults prior;
            try (LabqClient client = LabqClient.direct(home.home())) {
                prior = client.priorResults("default");
            }
            long looked = System.nanoTime();
            PipelineSpec acrossPipelines = new PipelineSpec(pipeline.name(), pipeline.project(), DedupScope.PROJECT, pipeline.policy(),
                    pipeline.onFailure(), pipeline.deadline(), pipeline.identity(), pipeline.workflows(), pipeline.tasks());
            PipelinePlan again = PipelinePlanner.plan(acrossPipelines, prior);
            long replanned = System.nanoTime();
            reused = again.tasks().stream().filter(t -> t.reusedFrom() != null).count();
            lookupMs = (looked - p0) / 1e6;
            replanMs = (replanned - looked) / 1e6;
            out.printf(Locale.ROOT, "  dedup: project, the same pipeline again: results by task key (fold %,d jobs) %.1f ms,"
                    + " plan %.1f ms, %,d of %,d tasks reused%n", parsed.tasks().size(), lookupMs, replanMs, reused, again.tasks().size());
        }
        out.printf(Locale.ROOT, "  %,d task uses, %,d unique tasks (jobs %d..%d), %,d uses saved by dedup%n", parsed.taskUses(),
                parsed.tasks().size(), first.value(), first.value() + parsed.tasks().size() - 1, parsed.usesSavedByDedup());

        double baselineMs;
        try (TempHome home = TempHome.create("labq-pipeline-baseline", 64, "256G", 1);
             Journal journal = Journal.open(home.home().journal(), home.home().jobIds())) {
            LabqConfig config = LabqConfig.load(home.root());
            SubmissionValidator validator = new SubmissionValidator(config, MachineInventory.of(config.machine()));
            Clock clock = Clock.system();
            long b0 = System.nanoTime();
            List<JobId> ids = new ArrayList<>(parsed.tasks().size());
            for (int i = 0; i < parsed.tasks().size(); i++) {
                List<JobId> after = parsed.tasks().get(i).dependencies().stream().map(ids::get).toList();
                long now = clock.millis();
                JobSpec spec = validator.accept(parsed.jobSpec(i, "bench", after), id -> true, now);
                ids.add(JobId.of(EventCodec.appendSubmission(journal, now, spec).number()));
            }
            baselineMs = (System.nanoTime() - b0) / 1e6;
        }
        double tasksPerSecond = parsed.tasks().size() / (acceptMs / 1e3);
        double baselinePerSecond = parsed.tasks().size() / (baselineMs / 1e3);
        out.printf(Locale.ROOT, "  baseline: %,d separate submissions %.1f ms%n", parsed.tasks().size(), baselineMs);
        out.println();
        ResultLines results = new ResultLines(out);
        results.compared("pipeline.submit_ms." + parsed.tasks().size(), acceptMs, baselineMs, "ms");
        results.metric("pipeline.file_to_accepted_ms." + parsed.tasks().size(), totalMs, "ms");
        results.comparedRate("pipeline.accepted_rate", tasksPerSecond, baselinePerSecond, "tasks/s");
        results.metric("pipeline.read_ms", (read - t0) / 1e6, "ms");
        results.metric("pipeline.plan_ms", (planned - read) / 1e6, "ms");
        results.metric("pipeline.first_decision_ms", dispatchMs, "ms");
        results.metric("pipeline.project_dedup_lookup_ms", lookupMs, "ms");
        results.metric("pipeline.project_dedup_plan_ms", replanMs, "ms");
        results.metric("pipeline.project_dedup_reused", reused, "count");
        results.metric("pipeline.unique_tasks", parsed.tasks().size(), "count");
        results.metric("pipeline.task_uses", parsed.taskUses(), "count");
        return BenchMain.OK;
    }

    /** Folds the home's journal into a fresh decision core and decides once: how many jobs start. */
    private static int firstDispatch(TempHome home) {
        LabqConfig config = LabqConfig.load(home.root());
        DecisionCore core = DecisionCore.of(config, new ResourcePool(MachineInventory.of(config.machine())));
        try (Journal journal = Journal.openReadOnly(home.home().journal());
             JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (JournalEntry e = reader.next(); e != null; e = reader.next()) {
                core.apply(e.index(), e.timestampMillis(), EventCodec.decode(e));
            }
        }
        return core.decide(Clock.system().millis()).size();
    }

    /** A pipeline file of {@code stages} stages with {@code options} tools each, every combination a workflow. */
    static String pipelineFile(int stages, int options) {
        StringBuilder yaml = new StringBuilder(1 << 20);
        yaml.append("pipeline: bench\nproject: default\nworkflows:\n");
        int[] choice = new int[stages];
        long workflows = (long) Math.pow(options, stages);
        for (long w = 0; w < workflows; w++) {
            long rest = w;
            for (int s = stages - 1; s >= 0; s--) {
                choice[s] = (int) (rest % options);
                rest /= options;
            }
            yaml.append("  - name: w").append(w).append("\n    tasks:\n");
            for (int s = 0; s < stages; s++) {
                yaml.append("      - { name: s").append(s).append(", tool: tool").append(s).append('_').append(choice[s])
                        .append(", config: { stage: ").append(s).append(" }, shell: \"true\"");
                if (s > 0) {
                    yaml.append(", after: [s").append(s - 1).append(']');
                }
                yaml.append(" }\n");
            }
        }
        return yaml.toString();
    }
}
