package dev.labq.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Latencies in nanoseconds (HdrHistogram, 3 significant digits, up to 10 minutes), read back in
 * milliseconds as the end-to-end tables and RESULT lines print them.
 */
final class LatencyHistogram {
    private static final long MAX_TRACKABLE_NANOS = 600_000_000_000L;
    static final String HEADER = String.format(Locale.ROOT, "%9s %9s %9s %9s %9s %9s",
            "count", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");

    private final Histogram histogram = new Histogram(1, MAX_TRACKABLE_NANOS, 3);

    /** Records one latency; negative ones (clock readings on two threads a few ns apart) count as 0. */
    void record(long nanos) {
        histogram.recordValue(Math.min(Math.max(0, nanos), MAX_TRACKABLE_NANOS));
    }

    /** Records {@code count} latencies of {@code nanos} each. */
    void recordCount(long nanos, long count) {
        histogram.recordValueWithCount(Math.min(Math.max(0, nanos), MAX_TRACKABLE_NANOS), count);
    }

    long count() {
        return histogram.getTotalCount();
    }

    double ms(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMs() {
        return histogram.getMaxValue() / 1e6;
    }

    /** count, p50, p90, p99, p99.9 and max, lined up under {@link #HEADER}. */
    String row() {
        return String.format(Locale.ROOT, "%9d %9.3f %9.3f %9.3f %9.3f %9.3f",
                count(), ms(50), ms(90), ms(99), ms(99.9), maxMs());
    }

    void printRow(PrintStream out, String label) {
        out.printf(Locale.ROOT, "%-34s %s%n", label, row());
    }
}
