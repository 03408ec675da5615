package dev.labq.bench.sim;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.state.JobStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Replays a {@link Workload} through labq's decision core on a virtual clock. Arrivals become
 * {@link Submitted} entries, every decision a {@link Dispatched} entry, and a job "runs" for its recorded
 * run time, then a {@link Finished} entry ends it: the same fold, ready index, policy, backfill and
 * placement as a real scheduler, with the journal and the processes left out. A year of demand replays in
 * seconds.
 *
 * <p>Between events it measures how busy the GPUs are while GPU jobs wait (demand above supply).
 */
public final class Simulator {
    private final Workload workload;
    private final SchedulingPolicy policy;
    private final DecisionCore core;
    private final TraceJob[] byId;
    private final PriorityQueue<long[]> ends = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    /** GPU jobs submitted and not yet started: while one is ready, GPU demand exceeds supply. */
    private final Set<Long> waitingForGpus = new HashSet<>();
    private long index;
    private long nowMillis;
    private long decisions;
    private double gpuBusySecondsSaturated;
    private double gpuSecondsSaturated;

    private Simulator(Workload workload, SchedulingPolicy policy) {
        this.workload = workload;
        this.policy = policy;
        this.core = policy.decisionCore(workload);
        this.byId = new TraceJob[workload.jobs().size() + 1];
        for (TraceJob job : workload.jobs()) {
            byId[(int) job.id()] = job;
        }
    }

    /** Replays {@code workload} under {@code policy} to the end of its last job. */
    public static SimulationRun run(Workload workload, SchedulingPolicy policy) {
        return new Simulator(workload, policy).replay();
    }

    private SimulationRun replay() {
        long startNanos = System.nanoTime();
        List<TraceJob> jobs = workload.jobs();
        int nextArrival = 0;
        List<TraceJob> neverFit = new ArrayList<>();
        while (nextArrival < jobs.size() || !ends.isEmpty()) {
            long arrival = nextArrival < jobs.size() ? jobs.get(nextArrival).submitSeconds() * 1000 : Long.MAX_VALUE;
            long end = ends.isEmpty() ? Long.MAX_VALUE : ends.peek()[0];
            long next = Math.min(arrival, end);
            measureUntil(next);
            nowMillis = next;
            while (!ends.isEmpty() && ends.peek()[0] == nowMillis) {
                apply(new Finished(JobId.of(ends.poll()[1]), 1, JobState.COMPLETED, 0, "Completed"));
            }
            while (nextArrival < jobs.size() && jobs.get(nextArrival).submitSeconds() * 1000 == nowMillis) {
                TraceJob job = jobs.get(nextArrival++);
                if (!core.pool().couldEverFit(job.request())) {
                    neverFit.add(job); // labq refuses these at submission
                    continue;
                }
                apply(new Submitted(JobId.of(job.id()), spec(job)));
                if (job.request().gpus() > 0) {
                    waitingForGpus.add(job.id());
                }
            }
            decisions++;
            for (Dispatched d : core.decide(nowMillis)) {
                apply(d);
                waitingForGpus.remove(d.job().value());
                ends.add(new long[] {nowMillis + byId[(int) d.job().value()].runSeconds() * 1000, d.job().value()});
            }
        }
        List<JobStatus> finished = new ArrayList<>(core.table().all());
        finished.removeIf(j -> j.state() != JobState.COMPLETED);
        finished.sort(java.util.Comparator.comparingLong(j -> j.id().value()));
        double gpuUtilization = gpuSecondsSaturated == 0 ? Double.NaN : gpuBusySecondsSaturated / gpuSecondsSaturated;
        return new SimulationRun(workload, policy, finished, workload.measuredBy().capacity(core.pool().inventory()),
                core.table().size() - finished.size(), neverFit.size(),
                gpuUtilization, decisions, (System.nanoTime() - startNanos) / 1e9);
    }

    private JobSpec spec(TraceJob job) {
        return JobSpec.process(job.project(), job.user(), "simulated")
                .resources(job.request())
                .timeLimitSeconds(job.limitSeconds())
                .importance(job.importance())
                .deadlineMillis(job.deadlineSeconds() == null ? null : job.deadlineSeconds() * 1000)
                .afterOk(job.afterOk().stream().map(JobId::of).toList())
                .build();
    }

    private void apply(JournalEvent event) {
        core.apply(++index, nowMillis, event);
    }

    /** Accounts GPU use from now until {@code next}: only while a GPU job is ready and waiting. */
    private void measureUntil(long next) {
        int gpus = core.pool().inventory().gpus().size();
        if (gpus == 0 || next == Long.MAX_VALUE || next <= nowMillis || !gpuDemandWaits()) {
            return;
        }
        double seconds = (next - nowMillis) / 1000.0;
        gpuSecondsSaturated += seconds * gpus;
        gpuBusySecondsSaturated += seconds * (gpus - core.pool().freeGpus());
    }

    private boolean gpuDemandWaits() {
        for (long id : waitingForGpus) {
            JobStatus job = core.table().get(JobId.of(id));
            if (job.state() == JobState.PENDING && core.table().dependenciesMet(job)) {
                return true;
            }
        }
        return false;
    }
}
