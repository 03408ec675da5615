package dev.labq.bench;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Version;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Runs the JMH micro-benchmarks of {@code dev.labq.bench.micro} through JMH's Runner API, prints JMH's log, a
 * table in microseconds per operation, and a {@code RESULT micro.<benchmark>.<params> <mean> us} line each.
 *
 * <p>Every benchmark runs in a forked JVM, which JMH starts with this JVM's {@code java.class.path} and, by
 * default, its input arguments ({@code bench/run} passes heap size and Chronicle's flags). Whichever of
 * Chronicle's flags this JVM lacks are appended from {@code chronicle-jvm-flags.txt}, which Maven fills in from
 * the parent POM's {@code chronicle.flags}, so the journal and view benchmarks work however this JVM was
 * started. They cannot be a {@code @Fork(jvmArgsAppend = ...)}: an annotation takes compile-time constants,
 * and the flags' one definition is a POM property.
 *
 * <p>{@code --quick} (the CI smoke run) keeps one fork per benchmark, but one short warm-up and one short
 * measured iteration, at 1,000 pending jobs only: about 35 s on a busy 2-core box. It checks that everything
 * runs, not speed.
 */
public final class MicroBench implements Harness {
    private static final String MICRO_PACKAGE = "dev.labq.bench.micro.";
    private static final String FLAGS_RESOURCE = "chronicle-jvm-flags.txt";
    private static final String QUICK_PENDING = "1000";

    @Override
    public String summary() {
        return "JMH micro-benchmarks: decision step at 1k-1M pending, "
                + "journal append, view update";
    }

    @Override
    public int run(List<String> args, boolean quick, PrintStream out) {
        String include = parseInclude(args);
        List<String> selected = benchmarksMatching(include);
        List<String> extraJvmArgs = chronicleFlagsMissingFrom(ManagementFactory.getRuntimeMXBean().getInputArguments());

        out.println("micro: JMH " + Version.getPlainVersion() + ", average time per operation, one forked JVM per benchmark"
                + (quick ? " (quick: 1 short warm-up + 1 short measured iteration, pending=" + QUICK_PENDING + ")" : ""));
        out.println("  benchmarks: " + String.join(", ", selected));
        out.printf(Locale.ROOT, "  load average at start: %.2f on %d CPUs%n", loadAverage(),
                Runtime.getRuntime().availableProcessors());
        out.println();

        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .shouldFailOnError(true)
                .jvmArgsAppend(extraJvmArgs.toArray(String[]::new));
        if (quick) {
            options.forks(1)
                    .warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(300))
                    .param("pending", QUICK_PENDING);
        }
        // JMH closes its output when done; bench/run's stdout must stay open for the table and RESULT lines.
        PrintStream jmhLog = new PrintStream(new CloseShield(out), true, StandardCharsets.UTF_8);
        OutputFormat format = OutputFormatFactory.createFormatInstance(jmhLog, VerboseMode.NORMAL);
        List<Row> rows;
        try {
            rows = new Runner(options.build(), format).run().stream().map(Row::of)
                    .sorted(Row.ORDER).toList();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH run failed: " + e.getMessage() + " (JMH's log above has the details)", e);
        }
        if (rows.size() < selected.size()) {
            throw new IllegalStateException("JMH reported " + rows.size() + " results for " + selected.size() + " benchmarks");
        }

        out.println();
        out.printf(Locale.ROOT, "micro: mean time per operation; load average at end: %.2f%n", loadAverage());
        out.printf(Locale.ROOT, "%-52s %-16s %14s %12s %8s%n", "benchmark", "params", "mean us/op", "+- 99.9%", "samples");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "%-52s %-16s %14.3f %12s %8d%n", row.name(), row.params(), row.meanMicros(),
                    Double.isNaN(row.errorMicros()) ? "n/a" : String.format(Locale.ROOT, "%.3f", row.errorMicros()),
                    row.samples());
        }
        out.println("(+- 99.9% is JMH's confidence interval over the measured iterations; n/a with a single one.)");
        out.println();
        ResultLines results = new ResultLines(out);
        for (Row row : rows) {
            results.metric(row.metric(), row.meanMicros(), "us");
        }
        return BenchMain.OK;
    }

    private static String parseInclude(List<String> args) {
        String include = Pattern.quote(MICRO_PACKAGE);
        for (int i = 0; i < args.size(); i += 2) {
            if (!args.get(i).equals("--include")) {
                throw new UsageException("unknown argument " + args.get(i), hint());
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("--include needs a value", hint());
            }
            include = args.get(i + 1);
            try {
                Pattern.compile(include);
            } catch (PatternSyntaxException e) {
                throw new UsageException("--include " + include + " is not a regular expression (" + e.getDescription() + ")", hint());
            }
        }
        return include;
    }

    /** The benchmarks JMH will run for {@code include} (it matches with find() on the full name). */
    private static List<String> benchmarksMatching(String include) {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
        BenchmarkList list = BenchmarkList.defaultList();
        SortedSet<BenchmarkListEntry> found = list.find(silent, List.of(include), List.of());
        if (found.isEmpty()) {
            Set<String> all = list.getAll(silent, List.of()).stream().map(MicroBench::shortName)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            throw new UsageException("--include " + include + " matches no benchmark", "benchmarks: " + String.join(", ", all));
        }
        return found.stream().map(MicroBench::shortName).distinct().toList();
    }

    private static String shortName(BenchmarkListEntry entry) {
        return entry.getUsername().startsWith(MICRO_PACKAGE)
                ? entry.getUsername().substring(MICRO_PACKAGE.length()) : entry.getUsername();
    }

    /** Chronicle's flags (the parent POM's {@code chronicle.flags}) that {@code jvmArgs} does not already hold. */
    static List<String> chronicleFlagsMissingFrom(List<String> jvmArgs) {
        List<String> flags = chronicleFlags();
        return flags.stream().filter(flag -> !jvmArgs.contains(flag)).toList();
    }

    static List<String> chronicleFlags() {
        try (InputStream in = MicroBench.class.getResourceAsStream(FLAGS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(FLAGS_RESOURCE + " is not on the classpath; build the bench module with Maven");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (text.isEmpty() || text.contains("${")) {
                throw new IllegalStateException(FLAGS_RESOURCE + " holds '" + text + "', not Chronicle's flags: it is filled in"
                        + " from chronicle.flags by Maven resource filtering; build the bench module with Maven");
            }
            return Arrays.asList(text.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String hint() {
        return "usage: bench/run [--quick] micro [--include REGEX]   (REGEX is found in dev.labq.bench.micro.Class.method)";
    }

    /**
     * One benchmark's result in microseconds per operation.
     *
     * @param name        class (less "Bench") and method, as JMH names them
     * @param params      JMH parameters, {@code key=value} joined by commas, or "-"
     * @param paramValues the parameters' values, in JMH's order
     * @param metric      the RESULT metric: {@code micro.<class>.<method>[.<param values>]}, in snake case
     * @param samples     measured iterations over all forks
     */
    record Row(String name, String params, List<String> paramValues, String metric, double meanMicros,
               double errorMicros, long samples) {
        /** By benchmark, then by parameter values, numbers as numbers (1000 before 10000 before 100000). */
        static final Comparator<Row> ORDER = Comparator.comparing(Row::name).thenComparing(Row::paramValues, Row::compareValues);

        static Row of(RunResult result) {
            var params = result.getParams();
            if (params.getMode() != Mode.AverageTime) {
                throw new IllegalStateException(params.getBenchmark() + " ran in mode " + params.getMode()
                        + "; the micro harness reports average time per operation only");
            }
            String full = params.getBenchmark();
            int methodDot = full.lastIndexOf('.');
            String className = full.substring(full.lastIndexOf('.', methodDot - 1) + 1, methodDot);
            String method = full.substring(methodDot + 1);
            String subject = className.endsWith("Bench") ? className.substring(0, className.length() - "Bench".length()) : className;
            List<String> keys = new ArrayList<>(params.getParamsKeys());
            List<String> values = keys.stream().map(params::getParam).toList();
            StringBuilder metric = new StringBuilder("micro.").append(snakeCase(subject)).append('.').append(snakeCase(method));
            values.forEach(v -> metric.append('.').append(v));
            Result<?> primary = result.getPrimaryResult();
            double toMicros = params.getTimeUnit().toNanos(1) / 1_000.0;
            return new Row(subject + "." + method,
                    keys.isEmpty() ? "-" : keys.stream().map(k -> k + "=" + params.getParam(k)).collect(Collectors.joining(",")),
                    values, metric.toString(), primary.getScore() * toMicros, primary.getScoreError() * toMicros,
                    primary.getSampleCount());
        }

        private static int compareValues(List<String> a, List<String> b) {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                int c = isNumber(a.get(i)) && isNumber(b.get(i))
                        ? Long.compare(Long.parseLong(a.get(i)), Long.parseLong(b.get(i))) : a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        }

        private static boolean isNumber(String value) {
            return value.matches("-?\\d{1,18}");
        }

        static String snakeCase(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        }
    }

    /** Passes writes through and turns close() into flush(). */
    private static final class CloseShield extends FilterOutputStream {
        CloseShield(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
