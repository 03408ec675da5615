package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * Everything a user says about a job when submitting it. Immutable; validated on construction, so an
 * instance that exists is one labq will accept (apart from checks against the configuration and other
 * jobs, which {@code SubmissionValidator} makes).
 *
 * @param name          a label for people; defaults to the program name
 * @param kind          an OS process, or an in-process task of the embedding API
 * @param argv          program and arguments, run without a shell unless {@code shell} is set
 * @param shell         run {@code argv} joined by spaces through {@code /bin/sh -c}
 * @param env           extra environment variables
 * @param workdir       working directory; {@code null} means the submitter's
 * @param project       the project charged; must be configured; {@code null} until accepted means the
 *                      home's default project
 * @param user          the user charged
 * @param importance    overrides the project's importance when set (higher runs first)
 * @param deadlineMillis epoch millis by which the job should finish, or {@code null}
 * @param timeLimitSeconds wall-time limit; the job gets TERM then KILL when it runs past it; {@code null} = none
 * @param afterOk       jobs that must complete successfully before this one may start; the id of a job array
 *                      (its first task's) stands for every task of it, as in Slurm's {@code afterok:ARRAY}
 * @param hold          submit held: the job waits until released
 * @param nice          lowers the job's priority, 0 (the default) to {@value #MAX_NICE}, as Slurm's {@code --nice}
 * @param retries       how many times an attempt that fails or times out is started again (DAGMan's
 *                      {@code RETRY}), up to {@value #MAX_RETRIES}; null for none. Every start counts, so a job
 *                      starts at most {@code 1 + retries} times, also when the machine failed under it
 * @param pipeline      the pipeline task this job runs, or null for a job submitted on its own
 * @param array         the array task this job is, or null for a job submitted on its own
 * @param afterOkTasks  array tasks that must complete successfully, each on its own ({@code afterok:12_3}),
 *                      also an array's first task, whose id in {@code afterOk} would stand for the whole array
 * @param retryPolicy   which failures {@code retries} retries and how long each retry waits; null: any, at once
 * @param checkpointRequest when and how labq asks the job for a checkpoint by signal, or null for never
 * @param killInvalidDependency Slurm's {@code --kill-on-invalid-dep}: when a job it waits on ends unsuccessfully
 *                      (after its retries), it is cancelled with {@code DependencyNeverSatisfied} (null or true,
 *                      labq's default) or stays pending with {@code DependencyFailed} (false) until that job is
 *                      requeued and completes
 * @param fullEnv       {@code env} is the job's whole environment, as {@code sbatch --export} makes it (labq's own
 *                      variables added); false: the job starts with the scheduler's environment, {@code env} on top
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(String name, JobKind kind, List<String> argv, boolean shell, Map<String, String> env,
                      String workdir, String project, String user, Resources resources, Integer importance,
                      Long deadlineMillis, Long timeLimitSeconds, List<JobId> afterOk, boolean hold, Integer nice,
                      Integer retries, PipelineTask pipeline, ArrayTask array,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JobId> afterOkTasks, RetryPolicy retryPolicy,
                      CheckpointRequest checkpointRequest, Boolean killInvalidDependency,
                      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean fullEnv) {

    public static final int MAX_IMPORTANCE = 1_000_000;
    public static final int MAX_NICE = 10_000;
    public static final int MAX_RETRIES = 100;

    /** A spec without retries of a job that is not an array task. */
    public JobSpec(String name, JobKind kind, List<String> argv, boolean shell, Map<String, String> env,
                   String workdir, String project, String user, Resources resources, Integer importance,
                   Long deadlineMillis, Long timeLimitSeconds, List<JobId> afterOk, boolean hold, Integer nice,
                   PipelineTask pipeline) {
        this(name, kind, argv, shell, env, workdir, project, user, resources, importance, deadlineMillis,
                timeLimitSeconds, afterOk, hold, nice, null, pipeline, null, null, null, null, null, false);
    }

    /** A spec of a job submitted on its own. */
    public JobSpec(String name, JobKind kind, List<String> argv, boolean shell, Map<String, String> env,
                   String workdir, String project, String user, Resources resources, Integer importance,
                   Long deadlineMillis, Long timeLimitSeconds, List<JobId> afterOk, boolean hold, Integer nice) {
        this(name, kind, argv, shell, env, workdir, project, user, resources, importance, deadlineMillis,
                timeLimitSeconds, afterOk, hold, nice, null, null, null, null, null, null, null, false);
    }

    /** A spec with the default nice (0). */
    public JobSpec(String name, JobKind kind, List<String> argv, boolean shell, Map<String, String> env,
                   String workdir, String project, String user, Resources resources, Integer importance,
                   Long deadlineMillis, Long timeLimitSeconds, List<JobId> afterOk, boolean hold) {
        this(name, kind, argv, shell, env, workdir, project, user, resources, importance, deadlineMillis,
                timeLimitSeconds, afterOk, hold, null, null, null, null, null, null, null, null, false);
    }

    public JobSpec {
        kind = kind == null ? JobKind.PROCESS : kind;
        argv = argv == null ? List.of() : List.copyOf(argv);
        env = env == null ? Map.of() : Map.copyOf(env);
        afterOk = afterOk == null ? List.of() : List.copyOf(afterOk);
        afterOkTasks = afterOkTasks == null ? List.of() : List.copyOf(afterOkTasks);
        resources = resources == null ? Resources.DEFAULT : resources;
        if (kind == JobKind.PROCESS && argv.isEmpty()) {
            throw new InvalidInputException("command", "(none)", "give the program to run after `--`, or a script file");
        }
        if (name == null || name.isBlank()) {
            name = argv.isEmpty() ? "task" : baseName(argv.get(0));
        }
        if (project != null && project.isBlank()) {
            throw new InvalidInputException("project", "''", "name a project with -A/--project, or leave it out for the default");
        }
        if (user == null || user.isBlank()) {
            throw new InvalidInputException("user", user, "set the user name");
        }
        if (importance != null && (importance < 0 || importance > MAX_IMPORTANCE)) {
            throw new InvalidInputException("importance", importance, "use a whole number from 0 to " + MAX_IMPORTANCE);
        }
        if (timeLimitSeconds != null && timeLimitSeconds <= 0) {
            throw new InvalidInputException("time", timeLimitSeconds + "s", "give a positive limit such as 30, 1:00:00 or 1-00:00:00");
        }
        if (nice != null && (nice < 0 || nice > MAX_NICE)) {
            throw new InvalidInputException("nice", nice, "use a whole number from 0 (default) to " + MAX_NICE
                    + "; a higher nice lowers the job's priority");
        }
        if (retries != null && (retries < 0 || retries > MAX_RETRIES)) {
            throw new InvalidInputException("retries", retries, "use a whole number from 0 (default) to " + MAX_RETRIES);
        }
        for (String key : env.keySet()) {
            if (key.isEmpty() || key.contains("=")) {
                throw new InvalidInputException("env", key, "environment names are non-empty and contain no '='");
            }
        }
    }

    /** The same spec charged to {@code newProject}. */
    public JobSpec inProject(String newProject) {
        return new JobSpec(name, kind, argv, shell, env, workdir, newProject, user, resources, importance,
                deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries, pipeline, array, afterOkTasks, retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** The same spec with {@code policy} for its retries, and {@code count} retries when it sets none. */
    public JobSpec withRetryDefaults(Integer count, RetryPolicy policy) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries != null ? retries : count, pipeline, array,
                afterOkTasks, retryPolicy != null ? retryPolicy : policy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** The same spec with {@code kill} as its {@code killInvalidDependency} when it sets none. */
    public JobSpec withKillInvalidDependencyDefault(boolean kill) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries, pipeline, array, afterOkTasks, retryPolicy,
                checkpointRequest, killInvalidDependency != null ? killInvalidDependency : kill, fullEnv);
    }

    /** Whether it waits, rather than being cancelled, when a job it depends on can never complete. */
    public boolean waitsOnFailedDependency() {
        return Boolean.FALSE.equals(killInvalidDependency) || pipeline != null && pipeline.holdOnFailure();
    }

    /** The same spec after the array tasks {@code tasks}, each on its own, as well. */
    public JobSpec withAfterOkTasks(List<JobId> tasks) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries, pipeline, array, tasks, retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** The same spec as task {@code task} of an array. */
    public JobSpec asArrayTask(ArrayTask task) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries, pipeline, task, afterOkTasks, retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** The same spec with what {@code change} sets (its {@code null} fields keep this spec's values). */
    public JobSpec altered(Alteration change) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources,
                change.importance() != null ? change.importance() : importance,
                change.deadlineMillis() != null ? change.deadlineMillis() : deadlineMillis,
                change.timeLimitSeconds() != null ? change.timeLimitSeconds() : timeLimitSeconds,
                afterOk, hold, change.nice() != null ? change.nice() : nice, retries, pipeline, array, afterOkTasks, retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** The same spec as job {@code task} of a pipeline, after {@code newAfterOk}, with {@code newDeadline}. */
    public JobSpec inPipeline(PipelineTask task, List<JobId> newAfterOk, Long newDeadline) {
        return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                newDeadline, timeLimitSeconds, newAfterOk, hold, nice, retries, task, array, List.of(), retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
    }

    /** Whether it waits on other jobs at all. */
    public boolean hasDependencies() {
        return !afterOk.isEmpty() || !afterOkTasks.isEmpty();
    }

    /** How many more starts a job that has started {@code attempts} times gets when an attempt fails. */
    public int retriesLeft(int attempts) {
        return Math.max(0, (retries == null ? 0 : retries) + 1 - attempts);
    }

    /** The nice the priority uses: 0 when none was given. */
    public int niceOrZero() {
        return nice == null ? 0 : nice;
    }

    /** A builder for the common case: a process with argv, in a project, as a user. */
    public static Builder process(String project, String user, String... argv) {
        return new Builder(JobKind.PROCESS, project, user, List.of(argv));
    }

    /** A builder for an in-process task of the embedding API. */
    public static Builder task(String name, String project, String user) {
        return new Builder(JobKind.TASK, project, user, List.of()).name(name);
    }

    private static String baseName(String program) {
        int slash = program.lastIndexOf('/');
        return slash >= 0 ? program.substring(slash + 1) : program;
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private final JobKind kind;
        private final String project;
        private final String user;
        private final List<String> argv;
        private String name;
        private boolean shell;
        private Map<String, String> env = Map.of();
        private String workdir;
        private Resources resources = Resources.DEFAULT;
        private Integer importance;
        private Long deadlineMillis;
        private Long timeLimitSeconds;
        private List<JobId> afterOk = List.of();
        private List<JobId> afterOkTasks = List.of();
        private RetryPolicy retryPolicy;
        private CheckpointRequest checkpointRequest;
        private Boolean killInvalidDependency;
        private boolean fullEnv;
        private boolean hold;
        private Integer nice;
        private Integer retries;
        private PipelineTask pipeline;

        private Builder(JobKind kind, String project, String user, List<String> argv) {
            this.kind = kind;
            this.project = project;
            this.user = user;
            this.argv = argv;
        }

        public Builder name(String value) { this.name = value; return this; }
        public Builder shell(boolean value) { this.shell = value; return this; }
        public Builder env(Map<String, String> value) { this.env = value; return this; }
        public Builder workdir(String value) { this.workdir = value; return this; }
        public Builder resources(Resources value) { this.resources = value; return this; }
        public Builder importance(Integer value) { this.importance = value; return this; }
        public Builder deadlineMillis(Long value) { this.deadlineMillis = value; return this; }
        public Builder timeLimitSeconds(Long value) { this.timeLimitSeconds = value; return this; }
        public Builder afterOk(JobId... value) { this.afterOk = List.of(value); return this; }
        public Builder afterOk(List<JobId> value) { this.afterOk = value; return this; }
        public Builder afterOkTasks(List<JobId> value) { this.afterOkTasks = value; return this; }
        public Builder retryPolicy(RetryPolicy value) { this.retryPolicy = value; return this; }
        public Builder checkpointRequest(CheckpointRequest value) { this.checkpointRequest = value; return this; }
        public Builder killInvalidDependency(Boolean value) { this.killInvalidDependency = value; return this; }
        /** {@code env} is the whole environment of the job (no variable of the scheduler's own). */
        public Builder fullEnv(boolean value) { this.fullEnv = value; return this; }
        public Builder hold(boolean value) { this.hold = value; return this; }
        public Builder nice(Integer value) { this.nice = value; return this; }
        public Builder retries(Integer value) { this.retries = value; return this; }
        public Builder pipeline(PipelineTask value) { this.pipeline = value; return this; }

        public JobSpec build() {
            return new JobSpec(name, kind, argv, shell, env, workdir, project, user, resources, importance,
                    deadlineMillis, timeLimitSeconds, afterOk, hold, nice, retries, pipeline, null, afterOkTasks, retryPolicy, checkpointRequest, killInvalidDependency, fullEnv);
        }
    }
}
