package dev.labq.core.time;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to: for tests and the simulator. Thread-safe. */
public final class SettableClock implements Clock {
    private final AtomicLong now;

    public SettableClock(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return now.get();
    }

    public void set(long millis) {
        now.set(millis);
    }

    public void advance(long deltaMillis) {
        now.addAndGet(deltaMillis);
    }
}
