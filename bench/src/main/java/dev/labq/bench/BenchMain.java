package dev.labq.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The entry point of {@code bench/run}: {@code BenchMain [--quick] [--list] [NAME [ARGS...]]}.
 *
 * <p>Exit codes: 0 ran, 1 a harness failed, 2 wrong arguments.
 */
public final class BenchMain {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** Every harness, by the name {@code bench/run} knows it by; --list and --quick keep this order. */
    static final Map<String, Supplier<Harness>> HARNESSES;

    static {
        Map<String, Supplier<Harness>> harnesses = new LinkedHashMap<>();
        harnesses.put("decision-latency", DecisionLatencyBench::new);
        harnesses.put("priority-recompute", PriorityRecomputeBench::new);
        harnesses.put("policy-shares", PolicySharesBench::new);
        harnesses.put("pipeline-submit", PipelineSubmitBench::new);
        harnesses.put("array-submit", ArraySubmitBench::new);
        harnesses.put("checkpoint", CheckpointBench::new);
        harnesses.put("cli-latency", CliLatencyBench::new);
        harnesses.put("crash-campaign", CrashCampaignBench::new);
        harnesses.put("trace-swf", TraceSwfBench::new);
        harnesses.put("trace-pipelines", TracePipelinesBench::new);
        harnesses.put("trace-gpu", TraceGpuBench::new);
        harnesses.put("micro", MicroBench::new);
        harnesses.put("submit-latency", SubmitLatencyBench::new);
        harnesses.put("throughput", ThroughputBench::new);
        harnesses.put("restart-time", RestartTimeBench::new);
        harnesses.put("overhead", OverheadBench::new);
        HARNESSES = Collections.unmodifiableMap(harnesses);
    }

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs as {@code main} does, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean quick = false;
        boolean list = false;
        int i = 0;
        for (; i < args.size() && args.get(i).startsWith("--"); i++) {
            switch (args.get(i)) {
                case "--quick" -> quick = true;
                case "--list" -> list = true;
                case "--help" -> {
                    out.println(usage());
                    return OK;
                }
                default -> {
                    return usageError(err, "unknown option " + args.get(i), usage());
                }
            }
        }
        if (list) {
            HARNESSES.forEach((name, harness) -> out.printf("%-20s %s%n", name, harness.get().summary()));
            return OK;
        }
        List<String> names = new ArrayList<>();
        List<String> harnessArgs = List.of();
        if (i < args.size()) {
            names.add(args.get(i));
            harnessArgs = args.subList(i + 1, args.size());
        } else if (quick) {
            names.addAll(HARNESSES.keySet());
        } else {
            return usageError(err, "name a harness", usage());
        }
        for (String name : names) {
            Supplier<Harness> harness = HARNESSES.get(name);
            if (harness == null) {
                return usageError(err, "unknown harness " + name, "bench/run --list shows the harnesses");
            }
            try {
                int code = harness.get().run(harnessArgs, quick, out);
                if (code != OK) {
                    return code;
                }
            } catch (UsageException e) {
                return usageError(err, name + ": " + e.getMessage(), e.hint());
            } catch (RuntimeException e) {
                err.println("bench: harness " + name + " failed: " + e);
                e.printStackTrace(err);
                return FAILED;
            }
        }
        return OK;
    }

    private static int usageError(PrintStream err, String message, String hint) {
        err.println("bench: " + message);
        err.println(hint);
        return USAGE;
    }

    private static String usage() {
        return """
                usage: bench/run [--quick] [--list] NAME [ARGS...]
                  --list   list the harnesses, one line each
                  --quick  a short run of NAME, or of every harness when no NAME is given (CI smoke)
                exit codes: 0 ran, 1 a harness failed, 2 wrong arguments""";
    }
}
