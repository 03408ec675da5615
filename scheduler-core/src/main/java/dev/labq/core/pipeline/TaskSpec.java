package dev.labq.core.pipeline;

import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.RetryPolicy;
import dev.labq.core.domain.TimeSpecs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One task of a pipeline as its author wrote it: what to run, what it needs and what it depends on. Validated on
 * construction (its own fields; the graph is checked by {@link PipelineSpec}); errors name the field relative to
 * the task ({@code resources.cpus}) and the place {@code task NAME}.
 *
 * @param name              unique within its workflow (or within the top-level task list)
 * @param tool              the tool it runs, part of its identity; defaults to {@code name}
 * @param config            the tool's settings, any JSON map, part of its identity; kept {@link CanonicalJson normalised}
 * @param run               program and arguments, run without a shell; empty when {@code shell} is given
 * @param shell             a command line for {@code /bin/sh -c}; {@code null} when {@code run} is given
 * @param resources         what one run asks for; {@link Resources#DEFAULT} when not given
 * @param timeLimitSeconds  wall-time limit, or {@code null} for none
 * @param after             names of tasks of the same workflow that must complete first
 * @param inputs            paths it reads; one that another task of the workflow writes makes it depend on that task
 * @param outputs           paths it writes; at most one task of a workflow writes each
 * @param stage             a group name for progress reports, or {@code null}
 * @param retries           how many times it is run again after failing, 0 or more
 * @param env               extra environment variables (sorted by name)
 * @param retryPolicy       which failures its retries retry and how long each waits ({@code backoff:},
 *                          {@code retryOn:}), or {@code null}: any failure, at once
 */
public record TaskSpec(String name, String tool, Map<String, Object> config, List<String> run, String shell,
                       Resources resources, Long timeLimitSeconds, List<String> after, List<String> inputs,
                       List<String> outputs, String stage, int retries, Map<String, String> env,
                       RetryPolicy retryPolicy) {

    /** A task whose retries retry any failure at once. */
    public TaskSpec(String name, String tool, Map<String, Object> config, List<String> run, String shell,
                    Resources resources, Long timeLimitSeconds, List<String> after, List<String> inputs,
                    List<String> outputs, String stage, int retries, Map<String, String> env) {
        this(name, tool, config, run, shell, resources, timeLimitSeconds, after, inputs, outputs, stage, retries, env, null);
    }

    public TaskSpec {
        if (name == null || name.isBlank()) {
            throw new InvalidPipelineException("name", "", "name", name, "give every task a name");
        }
        String place = "task " + name;
        tool = tool == null ? name : tool;
        if (tool.isBlank()) {
            throw new InvalidPipelineException("tool", place, "tool", tool, "name the tool, or leave tool out to use the task's name");
        }
        try {
            config = CanonicalJson.normaliseMap(config, "config");
        } catch (InvalidPipelineException e) {
            throw e.within("", place);
        }
        run = texts(run, "run", place);
        if (!run.isEmpty() && shell != null) {
            throw new InvalidPipelineException("shell", place, "shell", shell,
                    "give either run (an argv list) or shell (a command line), not both");
        }
        if (run.isEmpty() && shell == null) {
            throw new InvalidPipelineException("run", place, "run", "(none)",
                    "give run: [program, arguments...] or shell: \"a command line\"");
        }
        if (!run.isEmpty() && run.get(0).isBlank()) {
            throw new InvalidPipelineException("run[0]", place, "run", run, "the first element is the program to run");
        }
        if (shell != null && shell.isBlank()) {
            throw new InvalidPipelineException("shell", place, "shell", shell, "give the command line to run");
        }
        resources = resources == null ? Resources.DEFAULT : resources;
        if (timeLimitSeconds != null && timeLimitSeconds <= 0) {
            throw new InvalidPipelineException("time", place, "time", timeLimitSeconds,
                    "give a positive limit: seconds, or H:M:S such as 1:00:00");
        }
        after = names(after, "after", place);
        inputs = names(inputs, "inputs", place);
        outputs = names(outputs, "outputs", place);
        if (stage != null && stage.isBlank()) {
            throw new InvalidPipelineException("stage", place, "stage", stage, "name the stage, or leave stage out");
        }
        if (retries < 0) {
            throw new InvalidPipelineException("retries", place, "retries", retries, "use 0 or more retries");
        }
        env = environment(env, place);
    }

    /** Whether it runs a shell command line rather than an argv. */
    public boolean usesShell() {
        return shell != null;
    }

    /** The argv of a {@code JobSpec}: {@code run}, or the shell line as one element (the job then sets {@code shell}). */
    public List<String> argv() {
        return usesShell() ? List.of(shell) : run;
    }

    /** A builder for a task called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    private static List<String> texts(List<String> values, String field, String place) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new InvalidPipelineException(field + "[" + i + "]", place, field, values, "elements are text, not null");
            }
            out.add(values.get(i));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<String> names(List<String> values, String field, String place) {
        List<String> out = texts(values, field, place);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isBlank()) {
                throw new InvalidPipelineException(field + "[" + i + "]", place, field, out.get(i),
                        field.equals("after") ? "name a task" : "give a path");
            }
        }
        return out;
    }

    private static Map<String, String> environment(Map<String, String> env, String place) {
        if (env == null) {
            return Map.of();
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().contains("=")) {
                throw new InvalidPipelineException("env", place, "env", e.getKey(),
                        "environment names are non-empty and contain no '='");
            }
            if (e.getValue() == null) {
                throw new InvalidPipelineException("env." + e.getKey(), place, "env." + e.getKey(), null,
                        "give a value (an empty one is \"\")");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(sorted);
    }

    /** Fluent construction, the Java equal of a task in a pipeline file; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private String tool;
        private Map<String, ?> config = Map.of();
        private List<String> run;
        private String shell;
        private Resources resources;
        private Long timeLimitSeconds;
        private List<String> after = List.of();
        private List<String> inputs = List.of();
        private List<String> outputs = List.of();
        private String stage;
        private int retries;
        private Map<String, String> env = Map.of();
        private RetryPolicy retryPolicy;

        private Builder(String name) {
            this.name = name;
        }

        public Builder tool(String value) { this.tool = value; return this; }
        public Builder config(Map<String, ?> value) { this.config = value; return this; }
        public Builder run(String... argv) { this.run = List.of(argv); return this; }
        public Builder run(List<String> argv) { this.run = argv; return this; }
        public Builder shell(String line) { this.shell = line; return this; }
        public Builder resources(Resources value) { this.resources = value; return this; }
        public Builder timeLimitSeconds(Long value) { this.timeLimitSeconds = value; return this; }
        public Builder after(String... names) { this.after = List.of(names); return this; }
        public Builder inputs(String... paths) { this.inputs = List.of(paths); return this; }
        public Builder outputs(String... paths) { this.outputs = List.of(paths); return this; }
        public Builder stage(String value) { this.stage = value; return this; }
        public Builder retries(int value) { this.retries = value; return this; }
        public Builder env(Map<String, String> value) { this.env = value; return this; }
        public Builder retryPolicy(RetryPolicy value) { this.retryPolicy = value; return this; }

        /** A time limit as a pipeline file writes it: Slurm's forms, {@code 30} (minutes), {@code 1:00:00}, {@code 2-00:00:00}. */
        public Builder time(String limit) {
            try {
                this.timeLimitSeconds = TimeSpecs.parseTimeLimitSeconds(limit);
            } catch (InvalidInputException e) {
                throw InvalidPipelineException.of(e, "time", "task " + name, "");
            }
            return this;
        }

        public TaskSpec build() {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) config;
            return new TaskSpec(name, tool, c, run, shell, resources, timeLimitSeconds, after, inputs, outputs,
                    stage, retries, env, retryPolicy);
        }
    }
}
