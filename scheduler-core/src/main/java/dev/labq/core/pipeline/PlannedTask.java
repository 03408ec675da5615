package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.domain.RetryPolicy;

import java.util.List;
import java.util.Map;

/**
 * One task of a {@link PipelinePlan}: after deduplication, what runs once however many workflows use it.
 *
 * @param index           dense position in the plan, 0..n-1, in first-seen order; {@link #id()} is {@code task_(index+1)}
 * @param taskKey         its identity ({@link TaskKeys}); equal keys are one planned task unless dedup is {@code none}
 * @param name            the name of its first use
 * @param tool            the tool it runs
 * @param stage           its stage, or {@code null}
 * @param config          its normalised config
 * @param argv            what a {@code JobSpec} runs: the {@code run} argv, or the shell line as its one element
 * @param shell           whether {@code argv} is a shell line for {@code /bin/sh -c}
 * @param resources       what one run asks for
 * @param timeLimitSeconds its wall-time limit, or {@code null}
 * @param env             extra environment variables
 * @param retries         how many times it is run again after failing
 * @param dependencies    indices of its direct dependencies, ascending
 * @param workflows       the workflows that use it, in first-use order
 * @param usageCounter    how many distinct workflows use it (Landseer's {@code counter})
 * @param dependencyLevel how many direct dependencies it has (Landseer's {@code len(task.dependencies)})
 * @param priority        Landseer's priority, {@code dependencyLevel * 1000 - usageCounter}; lower runs first
 * @param reusedFrom      under dedup {@code project}: the earlier result it reuses (as the {@link PriorResults} hook
 *                        named it, for example a job id); {@code null} when it is to run
 * @param outputs         the paths its uses declare they write, each once in first-use order (relative ones to the
 *                        pipeline's working directory): a result {@code dedup: project} reuses only while they exist
 * @param retryPolicy     which failures its retries retry and how long each waits, or {@code null}: any, at once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlannedTask(int index, String taskKey, String name, String tool, String stage, Map<String, Object> config,
                          List<String> argv, boolean shell, Resources resources, Long timeLimitSeconds,
                          Map<String, String> env, int retries, List<Integer> dependencies, List<String> workflows,
                          int usageCounter, int dependencyLevel, int priority, String reusedFrom,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> outputs, RetryPolicy retryPolicy) {

    /** A task whose retries retry any failure at once. */
    public PlannedTask(int index, String taskKey, String name, String tool, String stage, Map<String, Object> config,
                       List<String> argv, boolean shell, Resources resources, Long timeLimitSeconds,
                       Map<String, String> env, int retries, List<Integer> dependencies, List<String> workflows,
                       int usageCounter, int dependencyLevel, int priority, String reusedFrom, List<String> outputs) {
        this(index, taskKey, name, tool, stage, config, argv, shell, resources, timeLimitSeconds, env, retries,
                dependencies, workflows, usageCounter, dependencyLevel, priority, reusedFrom, outputs, null);
    }

    public PlannedTask {
        config = CanonicalJson.normaliseMap(config, "config");
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(env));
        dependencies = List.copyOf(dependencies);
        workflows = List.copyOf(workflows);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** Landseer's stable id: {@code task_1} for index 0, and so on. */
    @JsonIgnore
    public String id() {
        return idOf(index);
    }

    /** The id of the task at {@code index}. */
    public static String idOf(int index) {
        return "task_" + (index + 1);
    }

    /** Whether an earlier pipeline's result stands in for it (dedup {@code project}). */
    @JsonIgnore
    public boolean reused() {
        return reusedFrom != null;
    }

    /**
     * The job that runs it in {@code workdir} (null: the scheduler's), charged to {@code project} as {@code user},
     * after {@code afterOk} (the jobs of its {@link #dependencies()}, which only the integrator knows). A deadline,
     * if any, is the integrator's to add.
     */
    public JobSpec jobSpec(String project, String user, String workdir, List<JobId> afterOk) {
        return JobSpec.process(project, user, argv.toArray(String[]::new))
                .name(name)
                .workdir(workdir)
                .shell(shell)
                .env(env)
                .resources(resources)
                .timeLimitSeconds(timeLimitSeconds)
                .retries(retries == 0 ? null : retries)
                .retryPolicy(retryPolicy)
                .afterOk(afterOk)
                .build();
    }
}
