package dev.labq.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.locks.LockSupport;

/**
 * How late a thread that does nothing but park for 1 ms wakes up, in the spirit of jHiccup: the stalls this
 * JVM suffers from outside labq (GC, safepoints, a busy machine taking the CPU away). Printed beside a
 * latency table, it says which part of a tail the machine alone would have caused.
 */
final class Hiccups implements AutoCloseable {
    private static final long PARK_NANOS = 1_000_000;

    private final Recorder recorder = new Recorder(3);
    private final Thread thread;
    private volatile boolean stopping;

    private Hiccups() {
        thread = new Thread(this::watch, "hiccup-watcher");
        thread.setDaemon(true);
    }

    static Hiccups start() {
        Hiccups hiccups = new Hiccups();
        hiccups.thread.start();
        return hiccups;
    }

    private void watch() {
        while (!stopping) {
            long before = System.nanoTime();
            LockSupport.parkNanos(PARK_NANOS);
            recorder.recordValue(Math.max(0, System.nanoTime() - before - PARK_NANOS));
        }
    }

    /** The wake-up delays since the last call (or the start), in nanoseconds. */
    LatencyHistogram sinceLast() {
        Histogram interval = recorder.getIntervalHistogram();
        LatencyHistogram copy = new LatencyHistogram();
        interval.recordedValues().forEach(v -> copy.recordCount(v.getValueIteratedTo(), v.getCountAtValueIteratedTo()));
        return copy;
    }

    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
    }
}
