package dev.labq.cli;

import dev.labq.core.JobHandle;
import dev.labq.core.LabqScheduler;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.execution.ProcessExecutor;
import dev.labq.core.state.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The first thing a new user runs: a scheduler on the home, jobs of two projects competing for the whole
 * machine, and how labq ordered them.
 */
@Command(name = "demo", description = {
        "Run real jobs of two projects on an embedded scheduler and show how labq ordered them.",
        "Starts a scheduler on the home (default ./.labq), submits real jobs from two projects of different",
        "importance (one waits for another, one asks for a GPU of the configured inventory), and show the",
        "order they ran in and why."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    private record Planned(String project, String name, String script, boolean gpu, String after) {
    }

    @Override
    public Integer call() throws Exception {
        dev.labq.core.time.Clock clock = dev.labq.core.time.Clock.system();
        long t0 = clock.millis();
        List<JobId> started = new CopyOnWriteArrayList<>();
        try (LabqScheduler labq = LabqScheduler.builder(common.home().root()).listener(change -> {
            JobStatus j = change.after();
            if (!change.stateChanged() || j.spec().env().get("LABQ_DEMO") == null) {
                return;
            }
            if (j.state() == JobState.RUNNING) {
                started.add(j.id());
            }
            if (j.state() == JobState.RUNNING || j.isTerminal()) {
                common.invocation().out().printf("  %6.2fs  job %-4s %-9s %-14s %s%n", (clock.millis() - t0) / 1000.0,
                        j.id(), j.spec().project(), j.spec().name(), j.state()
                                + (j.allocation() != null && !j.allocation().gpuIds().isEmpty() ? " on GPU " + j.allocation().gpuIds() : "")
                                + (j.exitCode() != null ? " exit " + j.exitCode() : ""));
            }
        }).start()) {
            MachineInventory machine = labq.inventory();
            common.invocation().out().printf("labq demo: scheduler on %s (%d CPUs, %dM memory, GPUs %s)%n", labq.home().root(),
                    machine.cpus(), machine.memoryMb(), machine.gpus().stream()
                            .map(g -> g.id() + "=" + g.type()).collect(Collectors.joining(" ")));
            common.invocation().out().println("Every job asks for all " + machine.cpus() + " CPUs, so they run one at a time and the queue decides the order.");
            common.invocation().out().println("Projects: research importance " + labq.config().importanceOf("research")
                    + ", teaching importance " + labq.config().importanceOf("teaching") + " (config/labq.yaml).");
            common.invocation().out().println();

            String gpuType = machine.gpus().isEmpty() ? null : machine.gpus().get(machine.gpus().size() - 1).type();
            List<Planned> plan = List.of(
                    new Planned("teaching", "warm-up", "echo warming up; sleep 1", false, null),
                    new Planned("teaching", "grade-essays", "echo grading 120 essays; sleep 0.5", false, null),
                    new Planned("teaching", "render-slides", "echo rendering slides; sleep 0.5", false, null),
                    new Planned("research", "preprocess", "echo cleaning 2.1M rows; sleep 0.5", false, null),
                    new Planned("research", "train-model", "echo training on GPU $CUDA_VISIBLE_DEVICES; sleep 0.5",
                            gpuType != null, "preprocess"),
                    new Planned("research", "evaluate", "echo accuracy 0.93; sleep 0.3", false, "train-model"));
            Map<String, JobHandle> handles = new LinkedHashMap<>();
            common.invocation().out().println("Submitting, in this order:");
            for (Planned p : plan) {
                JobSpec.Builder spec = JobSpec.process(p.project(), common.invocation().user(), "sh", "-c", p.script())
                        .name(p.name()).env(Map.of("LABQ_DEMO", "1"))
                        .resources(new Resources(machine.cpus(), 64, p.gpu() ? 1 : 0, p.gpu() ? gpuType : null));
                if (p.after() != null) {
                    spec.afterOk(handles.get(p.after()).id());
                }
                JobHandle h = labq.submit(spec.build());
                handles.put(p.name(), h);
                common.invocation().out().printf("  job %-4s %-9s %-14s%s%s%n", h.id(), p.project(), p.name(),
                        p.after() != null ? " afterok:" + handles.get(p.after()).id() + " (" + p.after() + ")" : "",
                        p.gpu() ? " with 1 " + gpuType + " GPU" : "");
            }
            common.invocation().out().println();
            common.invocation().out().println("What happened:");
            List<JobStatus> outcomes = new ArrayList<>();
            for (JobHandle h : handles.values()) {
                outcomes.add(h.outcome().get(120, TimeUnit.SECONDS));
            }
            common.invocation().out().println();
            summary(labq, outcomes, started);
            return outcomes.stream().allMatch(j -> j.state() == JobState.COMPLETED) ? ExitCodes.OK : ExitCodes.INTERNAL;
        }
    }

    /** The recorded reason of a start: priority as the sum of its factors' contributions, and how it started. */
    static String why(JobStatus j) {
        DecidedBy d = j.decidedBy();
        if (d == null) {
            return "started before decisions were recorded";
        }
        StringBuilder sum = new StringBuilder(String.format(java.util.Locale.ROOT, "priority %.1f =", d.priority()));
        boolean firstFactor = true;
        for (Map.Entry<String, Double> f : d.factors().entrySet()) {
            double c = f.getValue();
            sum.append(firstFactor ? " " : c < 0 ? " - " : " + ").append(f.getKey()).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.1f", firstFactor ? c : Math.abs(c)));
            firstFactor = false;
        }
        if (j.spec().afterOk().size() > 0) {
            sum.append("; after ").append(j.spec().afterOk());
        }
        return sum + (d.backfilled() ? " (backfilled)" : "") + " [" + d.policy() + "]";
    }

    private void summary(LabqScheduler labq, List<JobStatus> jobs, List<JobId> started) throws Exception {
        common.invocation().out().printf("%-5s %-9s %-14s %10s %9s %8s %-10s %s%n", "ORDER", "PROJECT", "NAME", "IMPORTANCE",
                "WAITED", "RAN", "STATE", "OUTPUT");
        List<JobStatus> byStart = new ArrayList<>(jobs);
        byStart.sort(java.util.Comparator.comparingInt(j -> started.indexOf(j.id())));
        int order = 1;
        for (JobStatus j : byStart) {
            String out = Files.readString(ProcessExecutor.stdoutOf(labq.home().logs(), j.id())).strip();
            common.invocation().out().printf("%-5d %-9s %-14s %10d %8.1fs %7.1fs %-10s %s%n", order++, j.spec().project(), j.spec().name(),
                    labq.config().importanceOf(j.spec().project()),
                    (j.startMillis() - j.submitMillis()) / 1000.0, (j.endMillis() - j.startMillis()) / 1000.0,
                    j.state(), out);
        }
        common.invocation().out().println();
        common.invocation().out().println("Why this order, as the policy recorded each start (`labq explain ID` shows it for waiting jobs):");
        order = 1;
        for (JobStatus j : byStart) {
            common.invocation().out().printf("  %d. job %s %s/%s: %s%n", order++, j.id(), j.spec().project(), j.spec().name(),
                    why(j));
        }
        common.invocation().out().println("Jobs with afterok waited for their parent; logs are in " + labq.home().logs()
                + ", the full record in `./labq tail`.");
    }
}
