package dev.labq.core.time;

/**
 * Where labq's logic gets the time. Production uses {@link #system()}; tests and the simulator use a
 * {@link SettableClock} and move time themselves.
 */
@FunctionalInterface
public interface Clock {
    /** Milliseconds since the epoch. */
    long millis();

    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
