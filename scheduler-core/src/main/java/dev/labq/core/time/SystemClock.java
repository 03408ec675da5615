package dev.labq.core.time;

/** The wall clock: the one place that reads it. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }
}
