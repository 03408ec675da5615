package dev.labq.bench.micro;

import dev.labq.bench.JobMix;
import dev.labq.core.decision.DecisionCore;
import dev.labq.core.decision.ResourcePool;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.priority.PriorityPolicy;
import dev.labq.core.policy.usage.UsageLedger;
import dev.labq.core.state.JobTable;
import dev.labq.core.time.SettableClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The decision stage picking what runs next, in the steady state of a busy machine: the step that
 * {@code decision-latency} times with HdrHistogram (apply a running job's {@code Finished}, {@code decide()},
 * apply each {@code Dispatched}), here as a JMH mean with an error bar and up to 1M pending jobs, a size the
 * harness does not reach because its baseline would take minutes per decision.
 *
 * <p>The core is configured as {@code decision-latency}'s: {@link JobMix#CONFIG}, the shipped multifactor policy
 * with fair share, budgets and EASY backfill over the whole queue.
 *
 * <p>GPU placement is on: the machine is {@link JobMix#MACHINE} (four a100 and four t4) and one job in eight
 * asks for one or two GPUs of a type or of any type, so {@code ResourcePool} picks devices best-fit.
 *
 * <p>No budget is checked: labq has no per-stage latency budgets yet (only issue 5's targets for the p99 of a
 * whole decision, which {@code decision-latency} reports). This reports; it judges nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DecisionStepBench {
    private static final long SEED = 42;
    private static final long STEP_MILLIS = 1_000;
    private static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Param({"1000", "10000", "100000", "1000000"})
    public int pending;

    private DecisionCore core;
    private JobMix mix;
    private SplittableRandom finishing;
    private SettableClock clock;
    private List<Dispatched> running;
    private long index;
    private long nextId;
    private List<Dispatched> startedByLastDecision;
    private Finished endingJob;
    private long endingIndex;
    private long endingMillis;

    /**
     * A full machine with {@code pending} ready jobs, rebuilt for every iteration: the job table keeps every
     * finished job, so at a few hundred thousand decisions a second one long-lived table would grow by
     * gigabytes over a run (and GC would be measured instead); a fresh start per iteration also keeps
     * the pending mix from drifting to the lowest importance (see BENCHMARKS.md).
     */
    @Setup(Level.Iteration)
    public void fillMachine() {
        core = null; // let the previous iteration's million jobs go before building the next
        running = null;
        core = new DecisionCore(JobMix.CONFIG, new JobTable(), new UsageLedger(JobMix.CONFIG),
                new ResourcePool(JobMix.MACHINE), PriorityPolicy.configured(JobMix.CONFIG), RuntimePredictor.timeLimit());
        mix = new JobMix(SEED);
        finishing = new SplittableRandom(SEED ^ 0x5DEECE66DL);
        clock = new SettableClock(START_MILLIS);
        running = new ArrayList<>();
        index = 0;
        nextId = 1;
        for (int i = 0; i < pending; i++) {
            submit();
        }
        List<Dispatched> started;
        do {
            started = core.decide(clock.millis());
            for (Dispatched d : started) {
                core.apply(++index, clock.millis(), d);
                running.add(d);
                submit();
            }
        } while (!started.isEmpty());
        startedByLastDecision = List.of();
        checkPending();
        // The previous iteration's jobs and this build's garbage should not be collected inside the measured second.
        System.gc();
    }

    /**
     * The untimed half of a step, as in {@code decision-latency}: the jobs the last decision started join the
     * running set, as many new jobs are submitted (so {@code pending} stays put), and a running job is picked
     * to end. JMH times each invocation on its own here; its two clock reads (tens of ns) are part of the mean.
     */
    @Setup(Level.Invocation)
    public void nextJobEnds() {
        index += startedByLastDecision.size();
        running.addAll(startedByLastDecision);
        for (int i = 0; i < startedByLastDecision.size(); i++) {
            submit();
        }
        checkPending();
        int k = finishing.nextInt(running.size());
        Dispatched done = running.get(k);
        running.set(k, running.get(running.size() - 1));
        running.remove(running.size() - 1);
        clock.advance(STEP_MILLIS);
        endingJob = new Finished(done.job(), done.attempt(), JobState.COMPLETED, 0, "Completed");
        endingMillis = clock.millis();
        endingIndex = ++index;
    }

    @Benchmark
    public List<Dispatched> finishThenDecide() {
        core.apply(endingIndex, endingMillis, endingJob);
        List<Dispatched> started = core.decide(clock.millis());
        for (int i = 0; i < started.size(); i++) {
            core.apply(endingIndex + 1 + i, endingMillis, started.get(i));
        }
        startedByLastDecision = started;
        return started;
    }

    private void submit() {
        core.apply(++index, clock.millis(), new Submitted(JobId.of(nextId++), mix.next(clock.millis())));
    }

    /** A broken steady state would make the figure about another N, so it stops the run instead. */
    private void checkPending() {
        if (core.readyCount() != pending || running.isEmpty()) {
            throw new IllegalStateException("ready=" + core.readyCount() + " running=" + running.size() + " expected ready="
                    + pending + " index=" + index + ": the steady state broke, the figure would not be for this N");
        }
    }
}
