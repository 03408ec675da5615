package dev.labq.cli;

import java.util.Iterator;
import java.io.PrintStream;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.CheckpointRequest;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.RetryPolicy;
import dev.labq.core.domain.TimeSpecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Submits a job, {@code sbatch}-style: options on the command line, or as {@code #LABQ} directives at the
 * top of a script (the command line wins where both say something).
 */
@Command(name = "submit", aliases = {"qsub", "sbatch"}, description = {
        "Submit a job.",
        "`labq submit [OPTIONS] -- PROGRAM ARGS...` runs the program without a shell;",
        "`labq submit [OPTIONS] SCRIPT ARGS...` runs a script.",
        "A script may carry options in `#LABQ` lines before its first command, like #SBATCH:",
        "  #!/bin/sh",
        "  #LABQ -A research --gpus 1 -t 2:00:00",
        "Prints `Submitted batch job ID`. With no scheduler running the job waits in the journal."})
final class SubmitCommand implements Callable<Integer> {
    static final String DIRECTIVE = "#LABQ";

    @Mixin
    CommonOptions common;

    @Option(names = {"-J", "--job-name", "--name"}, paramLabel = "NAME", description = "job name (default: the program's name)")
    String name;

    @Option(names = {"-A", "--project", "--account"}, paramLabel = "PROJECT",
            description = "project charged; one of labq.yaml's projects (default: its scheduler.defaultProject)")
    String project;

    @Option(names = {"-c", "--cpus", "--cpus-per-task"}, paramLabel = "N", description = "CPUs (default 1)")
    Integer cpus;

    @Option(names = "--mem", paramLabel = "SIZE", description = "memory such as 512M or 4G (default 256M)")
    String mem;

    @Option(names = {"-G", "--gpus"}, paramLabel = "N|SHARE", description = {
            "GPUs (default 0): a whole number, or a share of one below 1 (0.5: jobs sharing a device see the same",
            "CUDA_VISIBLE_DEVICES, and LABQ_GPU_SHARE)"})
    String gpus;

    @Option(names = "--gpu-mem", paramLabel = "SIZE", description = "the least memory each of its GPUs must have, e.g. 40G")
    String gpuMem;

    @Option(names = "--gres", paramLabel = "gpu[:TYPE]:N", description = "Slurm's form of --gpus and --gpu-type: gpu:a100:2")
    String gres;

    @Option(names = "--gpu-type", paramLabel = "TYPE[,TYPE]", description = "GPU types that will do, e.g. a100 or a100,h100 (`labq gpus`)")
    String gpuType;

    @Option(names = {"-t", "--time"}, paramLabel = "TIME", description = "time limit: minutes, M:S, H:M:S or D-H:M:S")
    String time;

    @Option(names = "--deadline", paramLabel = "WHEN", description = "finish by: 2026-12-01T12:00, ...Z, or +2h")
    String deadline;

    @Option(names = "--importance", paramLabel = "N", description = "overrides the project's importance (0..1000000)")
    Integer importance;

    @Option(names = "--nice", paramLabel = "N", description = "lower the job's priority (0..10000, default 0)")
    Integer nice;

    @Option(names = {"-d", "--dependency"}, paramLabel = "afterok:ID[:ID...]", description = "start only after these jobs complete successfully: an array's id waits for all its tasks, ARRAY_TASK (12_3) for one")
    String dependency;

    @Option(names = "--kill-on-invalid-dep", paramLabel = "yes|no", description = {
            "when a job it depends on ends unsuccessfully after its retries: yes cancels this one (DependencyNeverSatisfied),",
            "no keeps it pending (DependencyFailed) until that job is requeued and completes; default: scheduler.killInvalidDependency"})
    String killOnInvalidDep;

    @Option(names = "--retries", paramLabel = "N", description = "start an attempt that fails or times out again, up to N times (0..100)")
    Integer retries;

    @Option(names = "--backoff", paramLabel = "fixed:DELAY|exp:FIRST:MAX",
            description = "wait before each retry: fixed:10s, or exp:10s:10m (doubling up to 10 min), with 10% jitter")
    String backoff;

    @Option(names = "--checkpoint-every", paramLabel = "DURATION",
            description = "ask the job for a checkpoint by signal this long after it started or last committed one (90s, 30m, 2h)")
    String checkpointEvery;

    @Option(names = "--checkpoint-signal", paramLabel = "SIG",
            description = "the signal --checkpoint-every sends: USR1 (default), USR2, HUP, INT or ALRM; the job must handle it")
    String checkpointSignal;

    @Option(names = "--retry-on", paramLabel = "CODES,timeout,signal",
            description = "retry only these failures: exit codes (1, 2-9), timeout, signal (e.g. the OOM killer); default: any")
    String retryOn;

    @Option(names = {"-H", "--hold"}, description = "submit held; start with `labq release`")
    Boolean hold;

    @Option(names = {"-D", "--chdir"}, paramLabel = "DIR", description = "working directory (default: the current one)")
    Path chdir;

    @Option(names = "--export", paramLabel = "ALL|NONE|VAR[,VAR=value...]", description = {
            "the environment the job gets, as sbatch's --export: ALL (default) the submitter's, NONE only PATH, HOME,",
            "USER and LOGNAME, or those and the listed variables (ALL,VAR=v: all and these); --env adds to it"})
    String export;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "extra environment variable (repeatable)")
    Map<String, String> env;

    @Option(names = "--wrap", paramLabel = "COMMAND", description = "run this shell command line (through /bin/sh -c)")
    String wrap;

    @Option(names = {"-a", "--array"}, paramLabel = "INDICES", description = {
            "a job array, one entry for all its tasks: 0-999, 1,3,5-9 or 0-15:4, with %N to run at most N at once;",
            "each task gets LABQ_ARRAY_JOB_ID and LABQ_ARRAY_TASK_ID (and SLURM_ARRAY_TASK_ID, ...)"})
    String array;

    @Option(names = "--parsable", description = "print only the job id")
    boolean parsable;

    @Option(names = "--file", paramLabel = "JOBS.jsonl", description = {
            "submit many jobs at once, all or none: one JSON object per line with submit's long option names",
            "(name, project, cpus, mem, gpus, gpu-type, gpu-mem, gres, time, deadline, importance, nice, retries, backoff, retry-on, dependency, kill-on-invalid-dep,",
            "hold, chdir, env: {K: V}, wrap) and command: [program, args...]; options given here are every line's defaults"})
    Path file;

    @Parameters(paramLabel = "COMMAND", description = "program and arguments (after --), or a script and its arguments")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        if (file != null) {
            return submitFile();
        }
        SubmitCommand script = command.isEmpty() ? null : directives(common.invocation().resolve(Path.of(command.get(0))));
        Submission submission = toSpec(script);
        String arrayText = first(array, script == null ? null : script.array);
        ArraySpec arrayOf = arrayText == null ? null : ArraySpec.parse(arrayText);
        try (LabqClient client = common.client()) {
            JobSpec spec = submission.resolve(client);
            JobId id = arrayOf == null ? client.submit(spec) : client.submitArray(spec, arrayOf);
            common.invocation().out().println(parsable ? id.toString() : "Submitted batch job " + id);
            if (!client.viaScheduler() && !parsable) {
                common.invocation().err().println("labq submit: no scheduler is running on " + common.home().root()
                        + "; the job waits in the journal until `labq serve` starts");
            }
        }
        return ExitCodes.OK;
    }

    /** {@code --file}: every line a job, this command's options their defaults, one journal entry for all. */
    private int submitFile() throws IOException {
        if (!command.isEmpty() || wrap != null) {
            throw new InvalidInputException("file", file, "give either --file or a command, not both");
        }
        if (array != null) {
            throw new InvalidInputException("array", array, "give either --file or --array, not both; submit each array on its own");
        }
        Path path = common.invocation().resolve(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new InvalidInputException("file", path, "cannot read it (" + e.getMessage() + "); give a readable JSON-lines file");
        }
        List<Submission> submissions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                submissions.add(lineSpec(path, i + 1, lines.get(i)));
            }
        }
        if (submissions.isEmpty()) {
            throw new InvalidInputException("file", path, "it holds no job; write one JSON object per line");
        }
        JobId first;
        List<JobSpec> specs = new ArrayList<>(submissions.size());
        try (LabqClient client = common.client()) {
            for (Submission submission : submissions) {
                specs.add(submission.resolve(client));
            }
            first = client.submitJobs(specs);
        }
        PrintStream out = common.invocation().out();
        if (parsable) {
            for (int i = 0; i < specs.size(); i++) {
                out.println(first.value() + i);
            }
        } else {
            out.println("Submitted " + specs.size() + " jobs, " + first + " to " + (first.value() + specs.size() - 1));
        }
        return ExitCodes.OK;
    }

    /** One line of a {@code --file}: its keys become submit's options, checked as `labq submit` checks them. */
    private Submission lineSpec(Path path, int number, String text) {
        try {
            JsonNode node = JSON_LINES.readTree(text);
            if (!node.isObject()) {
                throw new InvalidInputException("line", text.strip(), "each line is one JSON object");
            }
            List<String> args = new ArrayList<>();
            List<String> argv = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (key.equals("command")) {
                    if (!value.isArray()) {
                        throw new InvalidInputException("command", value, "give the program and its arguments as a list");
                    }
                    value.forEach(word -> argv.add(word.asText()));
                } else if (key.equals("env") && value.isObject()) {
                    value.fields().forEachRemaining(e -> args.addAll(List.of("--env", e.getKey() + "=" + e.getValue().asText())));
                } else if (value.isBoolean()) {
                    if (value.asBoolean()) {
                        args.add("--" + key);
                    }
                } else if (!value.isNull()) {
                    args.addAll(List.of("--" + key, value.asText()));
                }
            }
            if (!argv.isEmpty()) {
                args.add("--");
                args.addAll(argv);
            }
            SubmitCommand line = new SubmitCommand();
            new CommandLine(line).parseArgs(args.toArray(String[]::new));
            if (line.file != null) {
                throw new InvalidInputException("file", line.file, "a line cannot name another file");
            }
            if (line.array != null) {
                throw new InvalidInputException("array", line.array, "a line cannot be an array; submit arrays with --array");
            }
            line.common = common;
            return line.toSpec(this);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("file", path + " line " + number, "not JSON (" + e.getOriginalMessage() + ")");
        } catch (CommandLine.ParameterException | InvalidInputException e) {
            throw new InvalidInputException("file", path + " line " + number, e.getMessage());
        }
    }

    private static final ObjectMapper JSON_LINES = new ObjectMapper();

    /** The options found in {@code #LABQ} lines of {@code script}, or null when it is not a readable script. */
    static SubmitCommand directives(Path script) {
        if (!Files.isRegularFile(script) || !Files.isReadable(script)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(script);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null; // not text: a binary program, run as it is
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(DIRECTIVE)) {
                args.addAll(directive(script, i + 1, line));
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                break; // like #SBATCH: directives end at the first command
            }
        }
        if (args.isEmpty()) {
            return null;
        }
        SubmitCommand parsed = new SubmitCommand();
        new CommandLine(parsed).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(String[]::new));
        return parsed;
    }

    /** The options of one directive line, checked on their own so an error can name the file and line. */
    private static List<String> directive(Path script, int lineNumber, String line) {
        try {
            List<String> words = words(line.substring(DIRECTIVE.length()));
            SubmitCommand probe = new SubmitCommand();
            CommandLine.ParseResult r = new CommandLine(probe).setOverwrittenOptionsAllowed(true)
                    .parseArgs(words.toArray(String[]::new));
            if (!probe.command.isEmpty() || r.matchedOption("--home") != null) {
                throw new CommandLine.ParameterException(new CommandLine(probe),
                        "directives carry options only, not " + (probe.command.isEmpty() ? "--home" : "'" + probe.command.get(0) + "'"));
            }
            return words;
        } catch (CommandLine.ParameterException | InvalidInputException e) {
            throw new InvalidInputException("directive", script + ":" + lineNumber + " '" + line + "'", e.getMessage());
        }
    }

    /** Splits on whitespace, keeping single- or double-quoted words whole. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char ch : text.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    word.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(ch);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new InvalidInputException("directive", text.strip(), "close the quote " + quote);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * A job as given, before its dependencies on single array tasks ({@code afterok:12_3}) are found: that needs
     * the array, so it waits until a client is open, after everything else has been checked.
     */
    private record Submission(JobSpec spec, List<JobRef> afterOkTasks) {
        JobSpec resolve(LabqClient client) {
            if (afterOkTasks.isEmpty()) {
                return spec;
            }
            List<JobId> tasks = new ArrayList<>(afterOkTasks.size());
            for (JobRef task : afterOkTasks) {
                tasks.add(task.resolve(client, "dependency"));
            }
            return spec.withAfterOkTasks(tasks);
        }
    }

    private Submission toSpec(SubmitCommand script) {
        SubmitCommand d = script != null ? script : new SubmitCommand();
        List<String> argv = argv();
        String projectName = project != null ? project : d.project; // null: the home's default, set on acceptance
        Map<String, String> environment = exported(first(export, d.export));
        if (d.env != null) {
            environment.putAll(d.env);
        }
        if (env != null) {
            environment.putAll(env);
        }
        String memText = first(mem, d.mem);
        String timeText = first(time, d.time);
        String deadlineText = first(deadline, d.deadline);
        String dependencyText = first(dependency, d.dependency);
        Path dir = common.invocation().resolve(chdir != null ? chdir : d.chdir != null ? d.chdir : Path.of(""));
        List<JobRef> dependencies = dependencyText == null ? List.of() : parseDependency(dependencyText);
        JobSpec spec = new JobSpec(first(name, d.name), null, argv, wrap != null, environment,
                dir.toString(), projectName, common.invocation().user(),
                resources(d, memText),
                first(importance, d.importance),
                deadlineText == null ? null : TimeSpecs.parseDeadlineMillis(deadlineText, dev.labq.core.time.Clock.system().millis(), common.invocation().zone()),
                timeText == null ? null : TimeSpecs.parseTimeLimitSeconds(timeText),
                dependencies.stream().filter(JobRef::wholeArray).map(JobRef::id).toList(),
                Boolean.TRUE.equals(first(hold, d.hold)), first(nice, d.nice), first(retries, d.retries), null, null, null, retryPolicy(d),
                checkpointRequest(d), killOnInvalidDep(first(killOnInvalidDep, d.killOnInvalidDep)), true);
        return new Submission(spec, dependencies.stream().filter(ref -> !ref.wholeArray()).toList());
    }

    /** Variables of a job context that a job submitted from inside another job must not inherit. */
    private static final Set<String> CONTEXT = Set.of("LABQ_JOB_ID", "LABQ_ATTEMPT", "LABQ_EXIT_FILE", "LABQ_CHECKPOINT_DIR",
            "LABQ_RESUME_FROM", "LABQ_PROJECT", "LABQ_GPUS", "LABQ_GPU_SHARE", "CUDA_VISIBLE_DEVICES", "LABQ_ARRAY_JOB_ID",
            "LABQ_ARRAY_TASK_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "_", "SHLVL", "OLDPWD", "PWD");
    private static final List<String> IDENTITY = List.of("HOME", "USER", "LOGNAME");

    /** The environment {@code --export} gives the job, from the submitter's. */
    private Map<String, String> exported(String mode) {
        Map<String, String> submitter = common.invocation().env();
        Map<String, String> out = new java.util.TreeMap<>();
        String text = mode == null ? "ALL" : mode.strip();
        List<String> items = List.of(text.split(","));
        if (items.stream().anyMatch(String::isBlank)) {
            throw new InvalidInputException("export", mode, "use ALL, NONE, or variables separated by commas: PYTHONPATH,MODE=fast");
        }
        boolean all = items.contains("ALL");
        if (all) {
            submitter.forEach((k, v) -> {
                if (!CONTEXT.contains(k)) {
                    out.put(k, v);
                }
            });
        } else {
            out.put("PATH", submitter.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
            IDENTITY.stream().filter(submitter::containsKey).forEach(k -> out.put(k, submitter.get(k)));
        }
        for (String item : items) {
            if (item.equals("ALL") || item.equals("NONE")) {
                continue;
            }
            int eq = item.indexOf('=');
            String name = eq < 0 ? item : item.substring(0, eq);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InvalidInputException("export", mode, "name variables with letters, digits and _: PYTHONPATH,MODE=fast");
            }
            if (eq >= 0) {
                out.put(name, item.substring(eq + 1));
            } else if (submitter.containsKey(name)) {
                out.put(name, submitter.get(name));
            }
        }
        return out;
    }

    /** CPUs, memory and GPUs as the options (or the script's directives) ask; {@code --gres} stands for --gpus and --gpu-type. */
    private Resources resources(SubmitCommand d, String memText) {
        String gpuText = first(gpus, d.gpus);
        String typeText = first(gpuType, d.gpuType);
        String gresText = first(gres, d.gres);
        if (gresText != null) {
            if (gpuText != null || typeText != null) {
                throw new InvalidInputException("gres", gresText, "give either --gres or --gpus/--gpu-type, not both");
            }
            String[] typeAndCount = Resources.parseGres(gresText);
            typeText = typeAndCount[0];
            gpuText = typeAndCount[1];
        }
        String gpuMemText = first(gpuMem, d.gpuMem);
        int[] devices = gpuText != null ? Resources.parseGpus(gpuText) : new int[] {typeText != null || gpuMemText != null ? 1 : 0, 0};
        return new Resources(first(cpus, d.cpus, Resources.DEFAULT.cpus()),
                memText == null ? Resources.DEFAULT.memoryMb() : Resources.parseMemoryMb(memText), devices[0], typeText,
                gpuMemText == null ? null : parseGpuMemory(gpuMemText), devices[1] == 0 ? null : devices[1]);
    }

    private static long parseGpuMemory(String text) {
        try {
            return Resources.parseMemoryMb(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("gpu-mem", text, "give the least memory per GPU as a size such as 40G");
        }
    }

    /** Slurm's yes|no of {@code --kill-on-invalid-dep}, or null for the scheduler's default. */
    private static Boolean killOnInvalidDep(String text) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "yes" -> true;
            case "no" -> false;
            default -> throw new InvalidInputException("kill-on-invalid-dep", text,
                    "use yes (cancel it when a dependency fails) or no (keep it pending until that job completes)");
        };
    }

    /** When labq asks for checkpoints, as the options (or the script's directives) say; null for never. */
    private CheckpointRequest checkpointRequest(SubmitCommand d) {
        String every = first(checkpointEvery, d.checkpointEvery);
        String signal = first(checkpointSignal, d.checkpointSignal);
        if (every == null) {
            if (signal != null) {
                throw new InvalidInputException("checkpoint-signal", signal, "give --checkpoint-every too: the signal is sent on that interval");
            }
            return null;
        }
        return new CheckpointRequest(TimeSpecs.parseDurationSeconds(every, "checkpoint-every"), signal);
    }

    /** The retry policy the options (or the script's directives) give, or null for the default: any failure, at once. */
    private RetryPolicy retryPolicy(SubmitCommand d) {
        String backoffText = first(backoff, d.backoff);
        String onText = first(retryOn, d.retryOn);
        if (backoffText == null && onText == null) {
            return null;
        }
        return new RetryPolicy(backoffText == null ? null : RetryPolicy.Backoff.parse(backoffText),
                onText == null ? null : RetryPolicy.RetryOn.parse(onText));
    }

    private List<String> argv() {
        if (wrap != null) {
            if (!command.isEmpty()) {
                throw new InvalidInputException("wrap", wrap, "give either --wrap or a command, not both");
            }
            return List.of(wrap);
        }
        if (command.isEmpty()) {
            return List.of();
        }
        Path script = common.invocation().resolve(Path.of(command.get(0)));
        List<String> argv = new ArrayList<>(command);
        if (Files.isRegularFile(script)) {
            // a script file: absolute, since the job may run elsewhere; through sh when it is not executable
            argv.set(0, script.toString());
            if (!Files.isExecutable(script)) {
                argv.add(0, "/bin/sh");
            }
        }
        return argv;
    }

    /**
     * Slurm's form: afterok:ID[:ID...][,afterok:ID...], where the id of a job array stands for all its tasks and
     * {@code ARRAY_TASK} (12_3) for one. Only afterok exists in labq so far.
     */
    static List<JobRef> parseDependency(String text) {
        List<JobRef> refs = new ArrayList<>();
        JobRef.Converter converter = new JobRef.Converter();
        for (String part : text.split(",")) {
            String[] fields = part.trim().split(":");
            if (fields.length < 2 || !fields[0].equals("afterok")) {
                throw new InvalidInputException("dependency", text, "use afterok:ID[:ID...], e.g. -d afterok:12");
            }
            for (int i = 1; i < fields.length; i++) {
                try {
                    refs.add(converter.convert(fields[i]));
                } catch (CommandLine.TypeConversionException e) {
                    throw new InvalidInputException("dependency", text,
                            "job ids are positive numbers, or ARRAY_TASK for one task of an array, e.g. -d afterok:12 or -d afterok:12_3");
                }
            }
        }
        return refs;
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
