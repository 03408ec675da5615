package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.state.JobStatus;
import dev.labq.core.time.SettableClock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drives labq's decider and the baseline in lockstep through the scheduler's steady state, on a virtual
 * clock: the machine is full and {@code pending} ready jobs wait.
 *
 * <p>Each {@link #step(boolean)} finishes one running job (picked at random) and lets labq decide and
 * journal its dispatches, timed. {@link #change} does the same after another journal entry (a job's
 * {@code Altered}, a {@code ProjectSet}) at the same instant, and {@link #recompute} after asking for a full
 * priority recompute. When asked, the baseline then does the same from the same state, timed, and must reach
 * the same decisions; otherwise it only follows: it applies the same entry and labq's Dispatched entries (as a
 * scheduler restarting from a journal would), which is cheap. So the baseline's expensive decisions can be
 * sampled sparsely and still come from the same window of the run as labq's. Last, as many jobs are
 * submitted as were dispatched (untimed), so the ready count stays {@code pending}.
 *
 * <p>Without a baseline ({@code null}) only labq runs. Journal indexes are a counter; timestamps come from a
 * {@link SettableClock} moved one second per step.
 *
 * <p>Not thread-safe.
 */
final class SteadyState {
    static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long STEP_MILLIS = 1_000;

    private final DecisionCore labq;
    private final SortEveryDecisionDecider baseline;
    private final int pending;
    private final JobMix mix;
    private final SplittableRandom finishing;
    private final SettableClock clock = new SettableClock(START_MILLIS);
    private final List<Dispatched> running = new ArrayList<>();
    private long index;
    private long nextId = 1;
    private long labqNanos;
    private long baselineNanos;

    /** Submits {@code pending} jobs and dispatches until the machine is full with {@code pending} still waiting. */
    SteadyState(DecisionCore labq, SortEveryDecisionDecider baseline, int pending, long seed) {
        this(labq, baseline, pending, seed, JobMix.TimeLimits.MINUTES);
    }

    SteadyState(DecisionCore labq, SortEveryDecisionDecider baseline, int pending, long seed, JobMix.TimeLimits limits) {
        this.labq = labq;
        this.baseline = baseline;
        this.pending = pending;
        this.mix = new JobMix(seed, limits);
        this.finishing = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < pending; i++) {
            submit();
        }
        List<Dispatched> started;
        do {
            started = labq.decide(clock.millis());
            if (baseline != null) {
                baseline.followDecision(clock.millis());
            }
            for (Dispatched d : started) {
                index++;
                labq.apply(index, clock.millis(), d);
                if (baseline != null) {
                    baseline.apply(index, clock.millis(), d);
                }
                running.add(d);
                submit();
            }
        } while (!started.isEmpty());
        checkReady();
    }

    /**
     * One second passes and a running job ends; returns how many jobs the decision started. Its latency is
     * {@link #labqNanos()}, and {@link #baselineNanos()} when {@code baselineDecides}.
     */
    int step(boolean baselineDecides) {
        if (running.isEmpty()) {
            throw new IllegalStateException("running=0 pending=" + pending + ": the machine drained, the steady state is broken");
        }
        int k = finishing.nextInt(running.size());
        Dispatched done = running.get(k);
        running.set(k, running.get(running.size() - 1));
        running.remove(running.size() - 1);
        clock.advance(STEP_MILLIS);
        return decideAfter(new Finished(done.job(), done.attempt(), JobState.COMPLETED, 0, "Completed"), false, baselineDecides);
    }

    /** {@code event} is journaled at the current instant, then a decision, timed as {@link #step} times it. */
    int change(JournalEvent event, boolean baselineDecides) {
        return decideAfter(event, false, baselineDecides);
    }

    /** A full recompute of every ready job's priority ({@link DecisionCore#recomputeAll()}), then a decision. */
    int recompute(boolean baselineDecides) {
        return decideAfter(null, true, baselineDecides);
    }

    private int decideAfter(JournalEvent event, boolean recomputeAll, boolean baselineDecides) {
        long now = clock.millis();
        long eventIndex = event == null ? index : ++index;

        long start = System.nanoTime();
        if (recomputeAll) {
            labq.recomputeAll();
        }
        if (event != null) {
            labq.apply(eventIndex, now, event);
        }
        List<Dispatched> started = labq.decide(now);
        for (int i = 0; i < started.size(); i++) {
            labq.apply(eventIndex + 1 + i, now, started.get(i));
        }
        labqNanos = System.nanoTime() - start;

        baselineNanos = -1;
        if (baseline != null && baselineDecides) {
            start = System.nanoTime();
            if (recomputeAll) {
                baseline.recomputeAll();
            }
            if (event != null) {
                baseline.apply(eventIndex, now, event);
            }
            List<Dispatched> chosen = baseline.decide(now);
            for (int i = 0; i < chosen.size(); i++) {
                baseline.apply(eventIndex + 1 + i, now, chosen.get(i));
            }
            baselineNanos = System.nanoTime() - start;
            if (!sameChoices(chosen, started)) {
                throw new IllegalStateException("index=" + eventIndex + " labq=" + started + " baseline=" + chosen
                        + ": the baseline decided otherwise, so comparing their latencies would compare unequal work");
            }
        } else if (baseline != null) {
            if (recomputeAll) {
                baseline.recomputeAll();
            }
            if (event != null) {
                baseline.apply(eventIndex, now, event);
            }
            baseline.followDecision(now);
            for (int i = 0; i < started.size(); i++) {
                baseline.apply(eventIndex + 1 + i, now, started.get(i));
            }
        }
        index = eventIndex + started.size();
        running.addAll(started);
        for (int i = 0; i < started.size(); i++) {
            submit();
        }
        checkReady();
        return started.size();
    }

    /**
     * Whether two deciders started the same attempts of the same jobs, on the same devices, in the same order
     * and the same way (first in order or backfilled). The recorded priorities are not compared: each decider
     * computes them itself, and they do not change what runs.
     */
    static boolean sameChoices(List<Dispatched> a, List<Dispatched> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Dispatched x = a.get(i);
            Dispatched y = b.get(i);
            if (!x.job().equals(y.job()) || x.attempt() != y.attempt() || !x.allocation().equals(y.allocation())
                    || backfilled(x) != backfilled(y)) {
                return false;
            }
        }
        return true;
    }

    private static boolean backfilled(Dispatched d) {
        return d.decidedBy() != null && d.decidedBy().backfilled();
    }

    /** A job that is waiting now (pending, not being dispatched), drawn with {@code random}. */
    JobId randomPendingJob(SplittableRandom random) {
        for (int tries = 0; tries < 10_000; tries++) {
            JobId id = JobId.of(1 + random.nextLong(nextId - 1));
            JobStatus job = labq.table().get(id);
            if (job.state() == JobState.PENDING && !labq.isInFlight(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no pending job found in 10000 draws among " + (nextId - 1) + " jobs");
    }

    /** The latency of labq's last decision, in nanoseconds. */
    long labqNanos() {
        return labqNanos;
    }

    /** The latency of the baseline's last decision, in nanoseconds, or -1 when it only followed. */
    long baselineNanos() {
        return baselineNanos;
    }

    long nowMillis() {
        return clock.millis();
    }

    DecisionCore labq() {
        return labq;
    }

    /** The baseline, or {@code null} when only labq runs. */
    SortEveryDecisionDecider baseline() {
        return baseline;
    }

    private void submit() {
        Submitted submitted = new Submitted(JobId.of(nextId++), mix.next(clock.millis()));
        index++;
        labq.apply(index, clock.millis(), submitted);
        if (baseline != null) {
            baseline.apply(index, clock.millis(), submitted);
        }
    }

    private void checkReady() {
        if (labq.readyCount() != pending || (baseline != null && baseline.readyCount() != pending)) {
            throw new IllegalStateException("ready=" + labq.readyCount() + "/" + (baseline == null ? "-" : baseline.readyCount())
                    + " expected=" + pending + " index=" + index + ": the harness lost track of the queue");
        }
    }
}
