package dev.labq.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The configuration: the machine inventory, the projects (importance, share, budgets, users), scheduler
 * settings and the priority policy's weights. Read from {@code $LABQ_HOME/labq.yaml} when present, else the
 * default shipped from {@code config/labq.yaml}.
 *
 * <p>Validation messages name the key relative to the record that checks it ({@code share}); the parser
 * puts the YAML path and line in front ({@code projects.research.share}, line 12).
 */
public record LabqConfig(Machine machine, Map<String, Project> projects, Settings scheduler, PrioritySettings priority,
                         Checkpoints checkpoints) {
    public static final String FILE_NAME = "labq.yaml";
    private static final String DEFAULT_RESOURCE = "/dev/labq/config/labq.yaml";
    /** Thread-safe once configured; building one costs more than reading a file with it. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public LabqConfig {
        if (machine == null) {
            machine = new Machine("auto", "auto", List.of());
        }
        if (projects == null || projects.isEmpty()) {
            throw new InvalidInputException("projects", projects, "configure at least one project in " + FILE_NAME);
        }
        projects = Map.copyOf(projects);
        scheduler = scheduler == null ? new Settings(null, null, null) : scheduler;
        priority = priority == null ? PrioritySettings.DEFAULTS : priority;
        checkpoints = checkpoints == null ? Checkpoints.DEFAULTS : checkpoints;
        if (!projects.containsKey(scheduler.defaultProject())) {
            throw new InvalidInputException("scheduler.defaultProject", scheduler.defaultProject(),
                    "name one of the configured projects " + projects.keySet());
        }
    }

    /** A configuration with the default priority settings. */
    public LabqConfig(Machine machine, Map<String, Project> projects, Settings scheduler) {
        this(machine, projects, scheduler, null, null);
    }

    /** A configuration with the default checkpoint settings. */
    public LabqConfig(Machine machine, Map<String, Project> projects, Settings scheduler, PrioritySettings priority) {
        this(machine, projects, scheduler, priority, null);
    }

    /**
     * Where checkpoints are kept: the store provider by name ({@code filesystem}, or {@code chunked} for incremental
     * ones), how many of each job's newest are kept, and whether they outlive a job that completes (by default
     * they go with it, as HTCondor's do: nothing resumes from them, and a job's states would otherwise fill the disk).
     */
    public record Checkpoints(String store, Integer keep, Boolean keepCompleted) {
        public static final Checkpoints DEFAULTS = new Checkpoints(null, null, null);

        public Checkpoints(String store, Integer keep) {
            this(store, keep, null);
        }

        public Checkpoints {
            store = store == null ? dev.labq.store.checkpoint.CheckpointStores.DEFAULT : store;
            keep = keep == null ? 3 : keep;
            keepCompleted = keepCompleted != null && keepCompleted;
            if (!dev.labq.store.checkpoint.CheckpointStores.names().contains(store)) {
                throw new InvalidInputException("store", store, "use one of " + dev.labq.store.checkpoint.CheckpointStores.names());
            }
            if (keep < 1) {
                throw new InvalidInputException("keep", keep, "keep at least 1 checkpoint per job");
            }
        }
    }

    /**
     * The machine as configured: "auto" or a number of CPUs, "auto" or a memory size, its GPUs, and how GPUs are
     * discovered ({@code auto}: nvidia-smi when installed; {@code off}; {@code recorded:DIR}) and looked at again
     * every {@code gpuWatchSeconds} (a discovered GPU that disappears is failed and its jobs requeued).
     */
    public record Machine(String cpus, String memory, List<Gpu> gpus, String discover, Integer gpuWatchSeconds) {
        public Machine {
            cpus = cpus == null ? "auto" : cpus;
            memory = memory == null ? "auto" : memory;
            gpus = gpus == null ? List.of() : List.copyOf(gpus);
            discover = discover == null ? "auto" : discover;
            gpuWatchSeconds = gpuWatchSeconds == null ? 60 : gpuWatchSeconds;
            if (gpuWatchSeconds < 1) {
                throw new InvalidInputException("gpuWatchSeconds", gpuWatchSeconds, "look at the GPUs every 1 s or more (default 60)");
            }
        }

        public Machine(String cpus, String memory, List<Gpu> gpus) {
            this(cpus, memory, gpus, null, null);
        }
    }

    /**
     * One GPU device. Listed beside discovered ones, it wins where they differ; a {@code placeholder} is used only
     * where none is discovered (the default configuration's, so a laptop can try GPU jobs).
     */
    public record Gpu(int id, String type, String memory, Boolean placeholder) {
        public Gpu {
            if (id < 0) {
                throw new InvalidInputException("id", id, "GPU ids are 0 or more");
            }
            if (type == null || type.isBlank()) {
                throw new InvalidInputException("type", type, "name the GPU model, for example a100");
            }
            placeholder = placeholder != null && placeholder;
        }

        public Gpu(int id, String type, String memory) {
            this(id, type, memory, null);
        }

        public long memoryMb() {
            return memory == null ? 0 : Resources.parseMemoryMb(memory);
        }
    }

    /**
     * A project that may submit jobs.
     *
     * @param importance higher runs first (0..1000000)
     * @param share      its share of the machine against the other projects' (fair share); default 1
     * @param budget     caps and allowances of the whole project, or {@code null} for none
     * @param users      per-user shares and budgets within the project; users not listed have share 1
     */
    public record Project(Integer importance, Double share, Budget budget, Map<String, User> users, Retry retry) {
        public static final int MAX_IMPORTANCE = 1_000_000;

        /** A project whose jobs retry only when they say so. */
        public Project(Integer importance, Double share, Budget budget, Map<String, User> users) {
            this(importance, share, budget, users, null);
        }

        public Project {
            importance = importance == null ? 0 : importance;
            if (importance < 0 || importance > MAX_IMPORTANCE) {
                throw new InvalidInputException("importance", importance, "use a whole number from 0 to " + MAX_IMPORTANCE);
            }
            share = share == null ? 1.0 : share;
            checkShare(share);
            users = users == null ? Map.of() : Map.copyOf(users);
        }

        public Project(Integer importance) {
            this(importance, null, null, null, null);
        }

        /** The user's settings within this project: the configured ones, else share 1 and no budget. */
        public User user(String name) {
            return users.getOrDefault(name, User.DEFAULT);
        }
    }

    static void checkShare(double share) {
        if (!(share >= 0) || share > 1_000_000 || Double.isInfinite(share)) {
            throw new InvalidInputException("share", share, "use a number from 0 to 1000000 (0: only when the machine is otherwise idle)");
        }
    }

    /**
     * What a project's jobs get when they set no retries of their own ({@code retries}, {@code backoff},
     * {@code retryOn} as {@code labq submit}'s {@code --retries}, {@code --backoff}, {@code --retry-on}).
     */
    public record Retry(Integer retries, String backoff, String retryOn) {
        public Retry {
            if (retries != null && (retries < 0 || retries > dev.labq.core.domain.JobSpec.MAX_RETRIES)) {
                throw new InvalidInputException("retries", retries, "use a whole number from 0 to " + dev.labq.core.domain.JobSpec.MAX_RETRIES);
            }
            policy(backoff, retryOn); // refuses a bad one here, not at a job's submission
        }

        /** The policy a job without its own gets. */
        public dev.labq.core.domain.RetryPolicy policy() {
            return policy(backoff, retryOn);
        }

        private static dev.labq.core.domain.RetryPolicy policy(String backoff, String retryOn) {
            return backoff == null && retryOn == null ? null : new dev.labq.core.domain.RetryPolicy(
                    backoff == null ? null : dev.labq.core.domain.RetryPolicy.Backoff.parse(backoff),
                    retryOn == null ? null : dev.labq.core.domain.RetryPolicy.RetryOn.parse(retryOn));
        }
    }

    /** A user within a project: a share against the project's other users, and a budget of their own. */
    public record User(Double share, Budget budget) {
        public static final User DEFAULT = new User(1.0, null);

        public User {
            share = share == null ? 1.0 : share;
            checkShare(share);
        }
    }

    /**
     * Scheduler settings.
     *
     * @param maxAttempts how many times a job may be started when the machine (its "node") fails under it,
     *                    the first start included
     * @param backfill    {@code easy}: jobs behind a blocked head start when they cannot delay its reserved
     *                    start (by their time limit, or by using only what the head leaves); {@code none}:
     *                    strict priority
     * @param policy      the priority policy by name: {@code multifactor} (the default) or
     *                    {@code importance-deadline-age} (labq's first policy: lexicographic)
     * @param killInvalidDependency Slurm's {@code kill_invalid_depend}: a job whose dependency ended unsuccessfully
     *                    (after its retries) is cancelled with {@code DependencyNeverSatisfied} (true, the default),
     *                    or waits with {@code DependencyFailed} for it to be requeued (false); a job's own
     *                    {@code --kill-on-invalid-dep} wins
     * @param monitorSeconds how often running jobs' process trees are measured (0: never)
     * @param memoryTolerance how far over its {@code --mem} a job's resident memory may go before it is killed
     *                    with reason {@code OutOfMemory} (0.1: 10%); negative: never killed for memory
     */
    public record Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject, Integer maxAttempts,
                           String backfill, String policy, Boolean killInvalidDependency, Integer monitorSeconds,
                           Double memoryTolerance) {
        public static final String BACKFILL_EASY = "easy";
        public static final String BACKFILL_NONE = "none";
        public static final String POLICY_MULTIFACTOR = "multifactor";
        public static final String POLICY_IMPORTANCE_DEADLINE_AGE = "importance-deadline-age";
        public static final List<String> POLICIES = List.of(POLICY_MULTIFACTOR, POLICY_IMPORTANCE_DEADLINE_AGE);

        public Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject) {
            this(killGraceSeconds, inProcessThreads, defaultProject, null);
        }

        public Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject, Integer maxAttempts) {
            this(killGraceSeconds, inProcessThreads, defaultProject, maxAttempts, null, null);
        }

        public Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject, Integer maxAttempts,
                        String backfill, String policy) {
            this(killGraceSeconds, inProcessThreads, defaultProject, maxAttempts, backfill, policy, null, null, null);
        }

        public Settings {
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            if (maxAttempts < 1) {
                throw new InvalidInputException("maxAttempts", maxAttempts, "use 1 or more (1: never requeue)");
            }
            killGraceSeconds = killGraceSeconds == null ? 10 : killGraceSeconds;
            inProcessThreads = inProcessThreads == null ? 4 : inProcessThreads;
            defaultProject = defaultProject == null ? "default" : defaultProject;
            if (killGraceSeconds < 0) {
                throw new InvalidInputException("killGraceSeconds", killGraceSeconds, "use 0 or more seconds");
            }
            if (inProcessThreads < 1) {
                throw new InvalidInputException("inProcessThreads", inProcessThreads, "use 1 or more threads");
            }
            backfill = backfill == null ? BACKFILL_EASY : backfill;
            if (!backfill.equals(BACKFILL_EASY) && !backfill.equals(BACKFILL_NONE)) {
                throw new InvalidInputException("backfill", backfill, "use easy or none");
            }
            killInvalidDependency = killInvalidDependency == null || killInvalidDependency;
            monitorSeconds = monitorSeconds == null ? 5 : monitorSeconds;
            if (monitorSeconds < 0) {
                throw new InvalidInputException("monitorSeconds", monitorSeconds, "use 0 (never) or more seconds (default 5)");
            }
            memoryTolerance = memoryTolerance == null ? 0.1 : memoryTolerance;
            if (memoryTolerance.isNaN() || memoryTolerance.isInfinite()) {
                throw new InvalidInputException("memoryTolerance", memoryTolerance, "use a fraction such as 0.1 (10% over --mem), or -1 to never kill for memory");
            }
            policy = policy == null ? POLICY_MULTIFACTOR : policy;
            if (!POLICIES.contains(policy)) {
                throw new InvalidInputException("policy", policy, "use one of " + POLICIES);
            }
        }

        public boolean backfills() {
            return backfill.equals(BACKFILL_EASY);
        }
    }

    /** The home's own {@code labq.yaml}, or the shipped default. */
    public static LabqConfig load(Path home) {
        Path file = home.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return parse(in, file.toString());
            } catch (IOException e) {
                throw new InvalidInputException("config", file, "the file cannot be read (" + e.getMessage() + ")");
            }
        }
        return defaults();
    }

    /** The configuration shipped in {@code config/labq.yaml}. */
    public static LabqConfig defaults() {
        try (InputStream in = LabqConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default configuration is missing from the build");
            }
            return parse(in, "config/labq.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("the default configuration cannot be read", e);
        }
    }

    static LabqConfig parse(InputStream in, String source) throws IOException {
        try {
            return YAML.readValue(in, LabqConfig.class);
        } catch (JsonProcessingException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IOException io && !(io instanceof JsonProcessingException)) {
                    throw io; // the file, not its YAML: load() says it cannot be read
                }
            }
            Matcher syntax = SNAKE_LINE.matcher(messages(e));
            if (syntax.find()) {
                throw new InvalidInputException("config", source, "the file is not valid YAML: "
                        + String.join("; ", e.getOriginalMessage().lines().map(String::strip)
                        .filter(l -> l.matches("^(while|found|expected|mapping|could not|did not|but found).*")).toList())
                        + " (" + source + " line "
                        + syntax.group(1) + ")");
            }
            if (!(e instanceof JsonMappingException mapping)) {
                throw new InvalidInputException("config", source, "the file is not valid YAML: "
                        + e.getOriginalMessage() + " (" + where(source, e.getLocation()) + ")");
            }
            String path = keyPath(mapping);
            String where = where(source, e.getLocation());
            if (e.getCause() instanceof InvalidInputException invalid) {
                throw invalid.under(path, where);
            }
            if (e instanceof UnrecognizedPropertyException unknown) {
                String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
                throw new InvalidInputException(path, "(unknown key)", "remove it or use one of "
                        + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.toList())
                        + (parent.isEmpty() ? "" : " under " + parent) + " (" + where + ")");
            }
            Object value = e instanceof InvalidFormatException bad ? bad.getValue() : source;
            throw new InvalidInputException(path.isEmpty() ? "config" : path, value,
                    shortTypes(e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")) + " (" + where + ")");
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    /** SnakeYAML names the line of a syntax error itself; Jackson's location is the last token it read. */
    private static final Pattern SNAKE_LINE = Pattern.compile("line (\\d+), column");

    /** {@code java.util.LinkedHashMap<java.lang.String,...Project>} as {@code LinkedHashMap<String,Project>}. */
    private static String shortTypes(String message) {
        return message.replaceAll("`", "").replaceAll("\\b[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*\\.([A-Z][A-Za-z0-9]*\\$)?([A-Z][A-Za-z0-9]*)", "$3");
    }

    /** The YAML key path of a mapping error: {@code projects.research.budget.maxGpus}, {@code machine.gpus[0].id}. */
    private static String keyPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String where(String source, JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? source : source + " line " + location.getLineNr();
    }

    public int importanceOf(String project) {
        Project p = projects.get(project);
        return p == null ? 0 : p.importance();
    }
}
