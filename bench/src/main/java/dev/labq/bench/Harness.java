package dev.labq.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * One benchmark that {@code bench/run NAME} starts. It prints a table for people, then ends with
 * {@link ResultLines} for machines: {@code RESULT <metric> <value> <unit>}, and for a metric with a baseline
 * measured in the same run also {@code <metric>.baseline} and {@code <metric>.ratio} (baseline / labq).
 */
public interface Harness {

    /** One line for {@code bench/run --list}. */
    String summary();

    /**
     * Runs the benchmark and returns the exit code (0 when it ran).
     *
     * @param args  the arguments after the harness name
     * @param quick a short version for CI smoke runs: same output contract, few samples
     * @param out   where the table and the RESULT lines go
     * @throws UsageException when {@code args} are wrong
     */
    int run(List<String> args, boolean quick, PrintStream out);
}
