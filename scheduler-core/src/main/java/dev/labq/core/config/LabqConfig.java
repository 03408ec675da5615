package dev.labq.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The configuration: the machine inventory, the projects and scheduler settings. Read from
 * {@code $LABQ_HOME/labq.yaml} when present, else the default shipped from {@code config/labq.yaml}.
 */
public record LabqConfig(Machine machine, Map<String, Project> projects, Settings scheduler) {
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
        scheduler = scheduler == null ? new Settings(null, null, null, null, null, null) : scheduler;
        if (!projects.containsKey(scheduler.defaultProject())) {
            throw new InvalidInputException("scheduler.defaultProject", scheduler.defaultProject(),
                    "name one of the configured projects " + projects.keySet());
        }
    }

    /** The machine as configured: "auto" or a number of CPUs, "auto" or a memory size, and its GPUs. */
    public record Machine(String cpus, String memory, List<Gpu> gpus) {
        public Machine {
            cpus = cpus == null ? "auto" : cpus;
            memory = memory == null ? "auto" : memory;
            gpus = gpus == null ? List.of() : List.copyOf(gpus);
        }
    }

    /** One GPU device. */
    public record Gpu(int id, String type, String memory) {
        public Gpu {
            if (id < 0) {
                throw new InvalidInputException("machine.gpus.id", id, "GPU ids are 0 or more");
            }
            if (type == null || type.isBlank()) {
                throw new InvalidInputException("machine.gpus.type", type, "name the GPU model, for example a100");
            }
        }

        public long memoryMb() {
            return memory == null ? 0 : Resources.parseMemoryMb(memory);
        }
    }

    /** A project that may submit jobs. */
    public record Project(Integer importance) {
        public Project {
            importance = importance == null ? 0 : importance;
            if (importance < 0 || importance > 1_000_000) {
                throw new InvalidInputException("projects.importance", importance, "use 0 to 1000000");
            }
        }
    }

    /**
     * Scheduler settings.
     *
     * @param maxAttempts   how many times a job may be started when the machine (its "node") fails under it,
     *                      the first start included
     * @param backfill      {@code easy}: jobs behind a blocked head start when they cannot delay its reserved
     *                      start (by their time limit, or by using only what the head leaves); {@code none}:
     *                      strict priority
     * @param backfillDepth how many waiting jobs one backfill pass looks at (Slurm's bf_max_job_test)
     */
    public record Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject, Integer maxAttempts,
                           String backfill, Integer backfillDepth) {
        public static final String BACKFILL_EASY = "easy";
        public static final String BACKFILL_NONE = "none";

        public Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject) {
            this(killGraceSeconds, inProcessThreads, defaultProject, null);
        }

        public Settings(Integer killGraceSeconds, Integer inProcessThreads, String defaultProject, Integer maxAttempts) {
            this(killGraceSeconds, inProcessThreads, defaultProject, maxAttempts, null, null);
        }

        public Settings {
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            if (maxAttempts < 1) {
                throw new InvalidInputException("scheduler.maxAttempts", maxAttempts, "use 1 or more (1: never requeue)");
            }
            killGraceSeconds = killGraceSeconds == null ? 10 : killGraceSeconds;
            inProcessThreads = inProcessThreads == null ? 4 : inProcessThreads;
            defaultProject = defaultProject == null ? "default" : defaultProject;
            if (killGraceSeconds < 0) {
                throw new InvalidInputException("scheduler.killGraceSeconds", killGraceSeconds, "use 0 or more seconds");
            }
            if (inProcessThreads < 1) {
                throw new InvalidInputException("scheduler.inProcessThreads", inProcessThreads, "use 1 or more threads");
            }
            backfill = backfill == null ? BACKFILL_EASY : backfill;
            if (!backfill.equals(BACKFILL_EASY) && !backfill.equals(BACKFILL_NONE)) {
                throw new InvalidInputException("scheduler.backfill", backfill, "use easy or none");
            }
            backfillDepth = backfillDepth == null ? 500 : backfillDepth;
            if (backfillDepth < 1) {
                throw new InvalidInputException("scheduler.backfillDepth", backfillDepth, "use 1 or more jobs");
            }
        }

        /** How many jobs a backfill pass may look at; 0 when backfill is off. */
        public int backfillJobs() {
            return backfill.equals(BACKFILL_EASY) ? backfillDepth : 0;
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
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("config", source, "fix " + e.getPathReference() + ": " + e.getOriginalMessage());
        }
    }

    public int importanceOf(String project) {
        Project p = projects.get(project);
        return p == null ? 0 : p.importance();
    }
}
