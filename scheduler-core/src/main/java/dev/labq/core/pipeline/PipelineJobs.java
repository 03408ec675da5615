package dev.labq.core.pipeline;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.PipelineTask;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.state.JobStatus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's tasks as labq jobs, both ways: a plan's tasks become the jobs of one {@code JobsSubmitted}
 * entry (task i is job {@code first + i}, after its dependencies' jobs), and a pipeline's jobs are read back
 * into Landseer's statuses and progress by their {@link PipelineTask}.
 */
public final class PipelineJobs {
    private PipelineJobs() {
    }

    /** The entry for {@code plan} with no pipeline deadline; see {@link #of(PipelinePlan, long, List, Long)}. */
    public static JournalEvent.JobsSubmitted of(PipelinePlan plan, long first, List<JobSpec> accepted) {
        return of(plan, first, accepted, null);
    }

    /**
     * The entry for {@code plan} under the block of ids starting at {@code first}: each accepted spec (validated
     * without dependencies) with its dependencies' job ids and its task, ranked by Landseer's priority when the
     * pipeline asks for Landseer's order. With a pipeline deadline, each task's deadline is it less the rest of
     * its critical path: the longest chain of time limits of the tasks after it, so that the deadline factor's
     * slack (deadline - now - its own limit) is the slack of the whole path through it.
     */
    public static JournalEvent.JobsSubmitted of(PipelinePlan plan, long first, List<JobSpec> accepted, Long deadlineMillis) {
        long[] after = deadlineMillis == null ? null : restOfCriticalPathMillis(plan);
        List<JobSpec> jobs = new ArrayList<>(accepted.size());
        for (PlannedTask task : plan.tasks()) {
            JobSpec s = accepted.get(task.index());
            Long deadline = after == null ? s.deadlineMillis() : Long.valueOf(deadlineMillis - after[task.index()]);
            Long reuses = task.reusedFrom() == null ? null : Long.valueOf(task.reusedFrom());
            // A reused task waits for the job it reuses only: that job's own dependencies produced its result.
            List<JobId> afterOk = reuses != null ? List.of(JobId.of(reuses))
                    : task.dependencies().stream().map(d -> JobId.of(first + d)).toList();
            PipelineTask of = new PipelineTask(first, plan.name(), task.id(), task.taskKey(), task.stage(), task.workflows(),
                    task.usageCounter(), task.dependencyLevel(), plan.landseerPolicy() ? task.priority() : null,
                    plan.onFailure() == OnFailure.HOLD, reuses, task.outputs());
            jobs.add(s.inPipeline(of, afterOk, deadline));
        }
        return new JournalEvent.JobsSubmitted(JobId.of(first), jobs);
    }

    /**
     * For every task, the longest sum of time limits along a chain of the tasks that depend on it, directly or
     * not (0 for a last task; a task without a limit counts 0): the work that must still follow it.
     */
    static long[] restOfCriticalPathMillis(PipelinePlan plan) {
        int n = plan.tasks().size();
        int[][] dependents = plan.dependents();
        int[] waiting = new int[n]; // dependents not yet measured
        for (int i = 0; i < n; i++) {
            waiting[i] = dependents[i].length;
        }
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        long[] rest = new long[n];
        while (!ready.isEmpty()) { // last tasks first: a task is measured once all its dependents are
            int i = ready.poll();
            long through = rest[i] + limitMillis(plan.tasks().get(i));
            for (int d : plan.tasks().get(i).dependencies()) {
                rest[d] = Math.max(rest[d], through);
                if (--waiting[d] == 0) {
                    ready.add(d);
                }
            }
        }
        return rest;
    }

    private static long limitMillis(PlannedTask task) {
        return task.timeLimitSeconds() == null ? 0 : task.timeLimitSeconds() * 1000;
    }

    /**
     * The still-valid results of {@code project}'s pipeline tasks among {@code jobs}, for {@code dedup: project}:
     * by task key, the latest job with that key that completed successfully, else the latest that is on its way
     * to completing (running, or pending with every job it waits on on its way too; not held). Failed, cancelled
     * and timed-out ones are not results, nor ones waiting on them, nor a completed one whose declared outputs are
     * not all there any more (as Nextflow's {@code -resume}: a deleted file means run it again). A task reusing
     * another's result stands for that one.
     */
    public static PriorResults priorResults(Iterable<JobStatus> jobs, String project) {
        Map<Long, JobStatus> byId = new HashMap<>();
        jobs.forEach(j -> byId.put(j.id().value(), j));
        Map<Long, Boolean> onItsWay = new HashMap<>();
        Map<String, Long> completed = new HashMap<>();
        Map<String, Long> coming = new HashMap<>();
        for (JobStatus job : byId.values()) {
            PipelineTask task = job.spec().pipeline();
            if (task == null || !project.equals(job.spec().project())) {
                continue;
            }
            JobStatus result = task.reusesResult() ? byId.get(task.reuses()) : job;
            if (result == null) {
                continue;
            }
            if (result.state() == JobState.COMPLETED) {
                if (outputsExist(result)) {
                    completed.merge(task.taskKey(), result.id().value(), Math::max);
                }
            } else if (onItsWay(result, byId, onItsWay)) {
                coming.merge(task.taskKey(), result.id().value(), Math::max);
            }
        }
        Map<String, String> found = new HashMap<>();
        coming.forEach((key, id) -> found.put(key, Long.toString(id)));
        completed.forEach((key, id) -> found.put(key, Long.toString(id)));
        return PriorResults.of(found);
    }

    /** Whether every output {@code job} declared is there, relative ones under its working directory. */
    private static boolean outputsExist(JobStatus job) {
        PipelineTask task = job.spec().pipeline();
        if (task == null) {
            return true;
        }
        Path workdir = Path.of(job.spec().workdir() == null ? "" : job.spec().workdir());
        for (String output : task.outputs()) {
            if (!Files.exists(workdir.resolve(output))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code job} will complete unless something fails from now on, memoised in {@code known}. Walks the
     * jobs it waits on depth first with a stack of its own: a chain of thousands of tasks is no deep recursion.
     */
    private static boolean onItsWay(JobStatus job, Map<Long, JobStatus> byId, Map<Long, Boolean> known) {
        ArrayDeque<JobStatus> stack = new ArrayDeque<>();
        stack.push(job);
        while (!stack.isEmpty()) {
            JobStatus top = stack.peek();
            if (known.containsKey(top.id().value())) {
                stack.pop();
                continue;
            }
            Boolean way = switch (top.state()) {
                case COMPLETED, RUNNING -> true;
                case PENDING -> null; // as its dependencies are
                default -> false; // held: it waits for a person; ended unsuccessfully: no result
            };
            if (way == null) {
                way = true;
                for (JobId parent : top.spec().afterOk()) {
                    JobStatus p = byId.get(parent.value());
                    Boolean parentWay = p == null ? Boolean.FALSE : known.get(parent.value());
                    if (parentWay == null) {
                        stack.push(p); // decide the parent first (dependencies are acyclic), then this one again
                        way = null;
                        break;
                    }
                    if (!parentWay) {
                        way = false;
                        break;
                    }
                }
                if (way == null) {
                    continue;
                }
            }
            known.put(top.id().value(), way);
            stack.pop();
        }
        return known.get(job.id().value());
    }

    /** Landseer's status of a job: pending (also held), running, completed, or failed (any other end). */
    public static TaskStatus statusOf(JobState state) {
        return switch (state) {
            case PENDING, HELD -> TaskStatus.PENDING;
            case RUNNING -> TaskStatus.RUNNING;
            case COMPLETED -> TaskStatus.COMPLETED;
            default -> TaskStatus.FAILED;
        };
    }

    /** The jobs of pipeline {@code pipelineId} among {@code jobs}, in task order. */
    public static List<JobStatus> jobsOf(long pipelineId, Iterable<JobStatus> jobs) {
        List<JobStatus> out = new ArrayList<>();
        for (JobStatus job : jobs) {
            PipelineTask task = job.spec().pipeline();
            if (task != null && task.pipelineId() == pipelineId) {
                out.add(job);
            }
        }
        out.sort((a, b) -> Long.compare(a.id().value(), b.id().value()));
        return out;
    }

    /**
     * Progress in all, per stage and per workflow (Landseer's {@code get_progress()}, broken down), of a
     * pipeline's jobs.
     */
    public static PipelineProgress progress(List<JobStatus> jobs) {
        List<JobStatus> all = new ArrayList<>(jobs);
        Map<String, List<JobStatus>> byStage = new LinkedHashMap<>();
        Map<String, List<JobStatus>> byWorkflow = new LinkedHashMap<>();
        for (JobStatus job : jobs) {
            PipelineTask task = job.spec().pipeline();
            if (task.stage() != null) {
                byStage.computeIfAbsent(task.stage(), k -> new ArrayList<>()).add(job);
            }
            for (String workflow : task.workflows()) {
                byWorkflow.computeIfAbsent(workflow, k -> new ArrayList<>()).add(job);
            }
        }
        Map<String, Progress> stages = new LinkedHashMap<>();
        byStage.forEach((name, list) -> stages.put(name, count(list)));
        Map<String, Progress> workflows = new LinkedHashMap<>();
        byWorkflow.forEach((name, list) -> workflows.put(name, count(list)));
        return new PipelineProgress(count(all), stages, workflows);
    }

    private static Progress count(List<JobStatus> jobs) {
        List<Integer> indices = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            indices.add(i);
        }
        return Progress.of(indices, i -> statusOf(jobs.get(i).state()));
    }
}
