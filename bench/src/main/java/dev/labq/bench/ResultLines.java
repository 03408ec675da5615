package dev.labq.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Writes the machine-readable tail of a harness's output, one {@code RESULT <metric> <value> <unit>} line per
 * figure. Values use a dot for decimals whatever the locale, so scripts can split on spaces.
 */
public final class ResultLines {
    private final PrintStream out;

    public ResultLines(PrintStream out) {
        this.out = out;
    }

    /** One figure without a baseline. */
    public void metric(String metric, double value, String unit) {
        out.println(String.format(Locale.ROOT, "RESULT %s %s %s", metric, format(value), unit));
    }

    /**
     * A labq figure with the baseline measured in the same run, and their ratio (baseline / labq, so above 1
     * means labq is faster). Two zeros are equal (ratio 1); a zero labq figure against a positive baseline
     * prints {@code inf}.
     */
    public void compared(String metric, double labq, double baseline, String unit) {
        metric(metric, labq, unit);
        metric(metric + ".baseline", baseline, unit);
        double ratio = labq == 0 && baseline == 0 ? 1 : baseline / labq;
        out.println(String.format(Locale.ROOT, "RESULT %s.ratio %s x", metric,
                Double.isInfinite(ratio) ? "inf" : String.format(Locale.ROOT, "%.2f", ratio)));
    }

    /**
     * A labq rate (higher is better, such as jobs per second) with the baseline rate of the same run; the ratio
     * is labq / baseline, so that above 1 still means labq is faster.
     */
    public void comparedRate(String metric, double labq, double baseline, String unit) {
        metric(metric, labq, unit);
        metric(metric + ".baseline", baseline, unit);
        out.println(String.format(Locale.ROOT, "RESULT %s.ratio %.2f x", metric, labq / baseline));
    }

    /** Six decimals keep nanoseconds visible when the unit is milliseconds. */
    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }
}
