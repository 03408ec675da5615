package dev.labq.bench;

import dev.labq.core.LabqScheduler;
import dev.labq.core.SchedulerListener;
import dev.labq.core.client.PipelineSubmission;
import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.EventCodec;
import dev.labq.core.intake.SubmissionValidator;
import dev.labq.core.time.Clock;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a large job array costs, from the call to its first task running, against submitting the same tasks one
 * by one (what a user without arrays would script):
 *
 * <pre>
 *   array of N tasks: validate the template once ─▶ one small journal entry under a block of N job ids (accepted)
 *     ─▶ fold (N jobs into the table and the ready index) ─▶ decide (first dispatch)
 *   measured twice: a decision core folding the journal itself, and a real scheduler tailing it (its views too)
 *   baseline: N separate submissions (validate, one numbered entry each)
 * </pre>
 *
 * Arguments: {@code --tasks 100000} ({@code --quick}: 10,000).
 */
public final class ArraySubmitBench implements Harness {
    private static final String USAGE = "usage: bench/run array-submit [--tasks 100000]";
    private static final int CPUS = 8;

    @Override
    public String summary() {
        return "submit an N-task job array as one entry, to first dispatch (decision core and real scheduler), vs N submits";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        HarnessArgs given = HarnessArgs.parse(args, USAGE, List.of("--tasks"));
        int tasks = given.wholeNumber("--tasks", quick ? 10_000 : 100_000, 1);
        ArraySpec array = ArraySpec.parse("0-" + (tasks - 1) + "%" + CPUS);
        JobSpec template = JobSpec.process("default", "bench", "true").resources(new Resources(1, 64, 0, null)).build();
        out.printf(Locale.ROOT, "array-submit: --array %s (%,d tasks) of `true`, machine of %d CPUs%n", array, tasks, CPUS);

        try (TempHome warm = TempHome.create("labq-array-warm", CPUS, "64G", 1)) { // class loading and JIT, untimed
            PipelineSubmission.submitArray(warm.home(), template, ArraySpec.parse("0-9999"));
            firstDecision(warm);
        }
        viaScheduler(template, ArraySpec.parse("0-9999%" + CPUS)); // as a scheduler that has served for a while

        double acceptMs;
        double foldMs;
        double decideMs;
        int started;
        try (TempHome home = TempHome.create("labq-array-bench", CPUS, "64G", 1)) {
            long t0 = System.nanoTime();
            JobId first = PipelineSubmission.submitArray(home.home(), template, array);
            acceptMs = (System.nanoTime() - t0) / 1e6;
            long[] phases = new long[3];
            started = firstDecision(home, phases);
            foldMs = (phases[1] - phases[0]) / 1e6;
            decideMs = (phases[2] - phases[1]) / 1e6;
            out.printf(Locale.ROOT, "  accepted (validate, one entry, jobs %d..%d) %.2f ms; decision core: fold %.1f ms,"
                    + " decide %.2f ms (%d started)%n", first.value(), first.value() + tasks - 1, acceptMs, foldMs, decideMs, started);
        }

        double schedulerMs = viaScheduler(template, array);
        out.printf(Locale.ROOT, "  real scheduler: submit to the first task RUNNING %.1f ms%n", schedulerMs);

        double baselineMs;
        try (TempHome home = TempHome.create("labq-array-baseline", CPUS, "64G", 1);
             Journal journal = Journal.open(home.home().journal(), home.home().jobIds())) {
            LabqConfig config = LabqConfig.load(home.root());
            SubmissionValidator validator = new SubmissionValidator(config, MachineInventory.of(config.machine()));
            Clock clock = Clock.system();
            long b0 = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                long now = clock.millis();
                EventCodec.appendSubmission(journal, now, validator.accept(template, id -> true, now));
            }
            baselineMs = (System.nanoTime() - b0) / 1e6;
        }
        out.printf(Locale.ROOT, "  baseline: %,d separate submissions %.1f ms%n%n", tasks, baselineMs);

        ResultLines results = new ResultLines(out);
        results.compared("array.submit_ms." + tasks, acceptMs, baselineMs, "ms");
        results.comparedRate("array.accepted_rate", tasks / (acceptMs / 1e3), tasks / (baselineMs / 1e3), "tasks/s");
        results.metric("array.first_dispatch_core_ms", acceptMs + foldMs + decideMs, "ms");
        results.metric("array.fold_ms", foldMs, "ms");
        results.metric("array.first_dispatch_scheduler_ms", schedulerMs, "ms");
        return BenchMain.OK;
    }

    private static int firstDecision(TempHome home) {
        return firstDecision(home, new long[3]);
    }

    /** Folds the home's journal into a fresh decision core and decides once; {@code at}: start, folded, decided. */
    private static int firstDecision(TempHome home, long[] at) {
        LabqConfig config = LabqConfig.load(home.root());
        DecisionCore core = DecisionCore.of(config, new ResourcePool(MachineInventory.of(config.machine())));
        at[0] = System.nanoTime();
        try (Journal journal = Journal.openReadOnly(home.home().journal());
             JournalReader reader = journal.reader(Journal.BEFORE_FIRST)) {
            for (JournalEntry e = reader.next(); e != null; e = reader.next()) {
                core.apply(e.index(), e.timestampMillis(), EventCodec.decode(e));
            }
        }
        at[1] = System.nanoTime();
        int started = core.decide(Clock.system().millis()).size();
        at[2] = System.nanoTime();
        return started;
    }

    /** A running scheduler tails the array's entry: from the submit call until a listener sees a task RUNNING. */
    private static double viaScheduler(JobSpec template, ArraySpec array) {
        CountDownLatch running = new CountDownLatch(1);
        SchedulerListener firstRun = change -> {
            if (change.after().state() == JobState.RUNNING) {
                running.countDown();
            }
        };
        try (TempHome home = TempHome.create("labq-array-scheduler", CPUS, "64G", 1);
             LabqScheduler scheduler = home.scheduler().expectedJobs(2L * array.size()).listener(firstRun).start()) {
            long t0 = System.nanoTime();
            PipelineSubmission.submitArray(home.home(), template, array);
            if (!running.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no task ran within 120 s");
            }
            return (System.nanoTime() - t0) / 1e6;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
