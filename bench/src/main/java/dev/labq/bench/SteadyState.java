package dev.labq.bench;

import dev.labq.core.decision.DecisionCore;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.time.SettableClock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drives labq's decider and the baseline in lockstep through the scheduler's steady state, on a virtual
 * clock: the machine is full and {@code pending} ready jobs wait.
 *
 * <p>Each {@link #step(boolean)} finishes one running job (picked at random) and lets labq decide and
 * journal its dispatches, timed. When asked, the baseline then does the same from the same state, timed, and
 * must reach the same decisions; otherwise it only follows: it applies the same Finished entry and labq's
 * Dispatched entries (as a scheduler restarting from a journal would), which is cheap. So the baseline's
 * expensive decisions can be sampled sparsely and still come from the same window of the run as labq's.
 * Last, as many jobs are submitted as were dispatched (untimed), so the ready count stays {@code pending}.
 *
 * <p>Journal indexes are a counter; timestamps come from a {@link SettableClock} moved one second per step.
 *
 * <p>Not thread-safe.
 */
final class SteadyState {
    private static final long STEP_MILLIS = 1_000;

    private final DecisionCore labq;
    private final DecisionCore baseline;
    private final int pending;
    private final JobMix mix;
    private final SplittableRandom finishing;
    private final SettableClock clock = new SettableClock(1_767_225_600_000L); // 2026-01-01T00:00:00Z
    private final List<Dispatched> running = new ArrayList<>();
    private long index;
    private long nextId = 1;
    private long labqNanos;
    private long baselineNanos;

    /** Submits {@code pending} jobs and dispatches until the machine is full with {@code pending} still waiting. */
    SteadyState(DecisionCore labq, DecisionCore baseline, int pending, long seed) {
        this.labq = labq;
        this.baseline = baseline;
        this.pending = pending;
        this.mix = new JobMix(seed);
        this.finishing = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < pending; i++) {
            submit();
        }
        List<Dispatched> started;
        do {
            started = labq.decide(clock.millis());
            for (Dispatched d : started) {
                index++;
                labq.apply(index, clock.millis(), d);
                baseline.apply(index, clock.millis(), d);
                running.add(d);
                submit();
            }
        } while (!started.isEmpty());
        checkReady();
    }

    /**
     * One decision; returns how many jobs it started. Its latency is {@link #labqNanos()}, and
     * {@link #baselineNanos()} when {@code baselineDecides}.
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
        Finished finished = new Finished(done.job(), done.attempt(), JobState.COMPLETED, 0, "Completed");
        long now = clock.millis();
        long finishIndex = ++index;

        long start = System.nanoTime();
        labq.apply(finishIndex, now, finished);
        List<Dispatched> started = labq.decide(now);
        for (int i = 0; i < started.size(); i++) {
            labq.apply(finishIndex + 1 + i, now, started.get(i));
        }
        labqNanos = System.nanoTime() - start;

        if (baselineDecides) {
            start = System.nanoTime();
            baseline.apply(finishIndex, now, finished);
            List<Dispatched> chosen = baseline.decide(now);
            for (int i = 0; i < chosen.size(); i++) {
                baseline.apply(finishIndex + 1 + i, now, chosen.get(i));
            }
            baselineNanos = System.nanoTime() - start;
            if (!chosen.equals(started)) {
                throw new IllegalStateException("index=" + finishIndex + " labq=" + started + " baseline=" + chosen
                        + ": the baseline decided otherwise, so comparing their latencies would compare unequal work");
            }
        } else {
            baselineNanos = -1;
            baseline.apply(finishIndex, now, finished);
            for (int i = 0; i < started.size(); i++) {
                baseline.apply(finishIndex + 1 + i, now, started.get(i));
            }
        }
        index += started.size();
        running.addAll(started);
        for (int i = 0; i < started.size(); i++) {
            submit();
        }
        checkReady();
        return started.size();
    }

    /** The latency of labq's last decision, in nanoseconds. */
    long labqNanos() {
        return labqNanos;
    }

    /** The latency of the baseline's last decision, in nanoseconds, or -1 when it only followed. */
    long baselineNanos() {
        return baselineNanos;
    }

    private void submit() {
        Submitted submitted = new Submitted(JobId.of(nextId++), mix.next(clock.millis()));
        index++;
        labq.apply(index, clock.millis(), submitted);
        baseline.apply(index, clock.millis(), submitted);
    }

    private void checkReady() {
        if (labq.readyCount() != pending || baseline.readyCount() != pending) {
            throw new IllegalStateException("ready=" + labq.readyCount() + "/" + baseline.readyCount() + " expected="
                    + pending + " index=" + index + ": the harness lost track of the queue");
        }
    }
}
