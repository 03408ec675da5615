package dev.labq.bench;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobState;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.core.time.SettableClock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Drives a {@link Decider} through the scheduler's steady state on a virtual clock: the machine is full and
 * {@code pending} jobs wait. Each {@link #step()} finishes one running job (picked at random), decides, and
 * journals the dispatches; only that part is timed. Then as many jobs are submitted as were dispatched, so
 * the number of ready jobs stays {@code pending}.
 *
 * <p>Journal indexes are a counter and timestamps come from a {@link SettableClock} moved one second per
 * step. Two drivers built with the same seed on deciders that decide alike see the same entries, which
 * {@link #checksum()} lets the harness check.
 *
 * <p>Not thread-safe.
 */
final class SteadyState {
    private static final long STEP_MILLIS = 1_000;

    private final Decider decider;
    private final int pending;
    private final JobMix mix;
    private final SplittableRandom finishing;
    private final SettableClock clock = new SettableClock(1_767_225_600_000L); // 2026-01-01T00:00:00Z
    private final List<Dispatched> running = new ArrayList<>();
    private long index;
    private long nextId = 1;
    private long steps;
    private long dispatches;
    private long idleSteps;
    private long checksum = 17;
    private long markStep = -1;
    private long markedChecksum;

    /** Submits {@code pending} jobs and dispatches until the machine is full with {@code pending} still waiting. */
    SteadyState(Decider decider, int pending, long seed) {
        this.decider = decider;
        this.pending = pending;
        this.mix = new JobMix(seed);
        this.finishing = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < pending; i++) {
            submit();
        }
        List<Dispatched> started;
        do {
            started = decider.decide();
            for (Dispatched d : started) {
                journal(d);
                running.add(d);
                submit();
            }
        } while (!started.isEmpty());
        checkReady();
    }

    /** One timed decision; returns its latency in nanoseconds. */
    long step() {
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
        decider.apply(finishIndex, now, finished);
        List<Dispatched> started = decider.decide();
        for (int i = 0; i < started.size(); i++) {
            decider.apply(++index, now, started.get(i));
        }
        long elapsed = System.nanoTime() - start;

        steps++;
        dispatches += started.size();
        if (started.isEmpty()) {
            idleSteps++;
        }
        for (Dispatched d : started) {
            running.add(d);
            checksum = 31 * checksum + d.job().value();
            submit();
        }
        if (steps == markStep) {
            markedChecksum = checksum;
        }
        checkReady();
        return elapsed;
    }

    private void submit() {
        JobId id = JobId.of(nextId++);
        journal(new Submitted(id, mix.next(clock.millis())));
    }

    private void journal(JournalEvent event) {
        decider.apply(++index, clock.millis(), event);
    }

    private void checkReady() {
        if (decider.readyCount() != pending) {
            throw new IllegalStateException("ready=" + decider.readyCount() + " expected=" + pending
                    + " step=" + steps + ": the harness lost track of the queue");
        }
    }

    long steps() {
        return steps;
    }

    long dispatches() {
        return dispatches;
    }

    /** Steps in which the queue's head did not fit and nothing started. */
    long idleSteps() {
        return idleSteps;
    }

    /** A hash of the dispatched job ids in order: equal for two deciders that decided alike. */
    long checksum() {
        return checksum;
    }

    /** Keeps {@link #checksum()} as it is after {@code step} steps, to compare with a shorter run. */
    void markAt(long step) {
        markStep = step;
    }

    long markedChecksum() {
        if (steps < markStep) {
            throw new IllegalStateException("step " + markStep + " not reached: steps=" + steps);
        }
        return markedChecksum;
    }
}
