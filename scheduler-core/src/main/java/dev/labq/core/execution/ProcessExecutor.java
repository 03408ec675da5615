package dev.labq.core.execution;

import dev.labq.core.LabqHome;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.monitor.ProcessTreeUsage;
import dev.labq.core.domain.ArrayTask;
import dev.labq.core.domain.JobId;
import dev.labq.core.state.JobStatus;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Runs jobs as OS processes: argv as given (through {@code /bin/sh -c} only when the job asks for a shell),
 * the job's environment and working directory, stdout and stderr to {@code logs/JOB.out} and
 * {@code logs/JOB.err}. Processes outlive the scheduler: the files, not pipes, hold their output.
 *
 * <p>Assumptions and guarantees: forks happen on one launcher thread, never on the caller's; exits are
 * observed through {@link Process#onExit()} (or {@link ProcessHandle#onExit()} for re-attached processes).
 */
public final class ProcessExecutor implements JobExecutor {
    static final String JOB_ID_VARIABLE = "LABQ_JOB_ID";
    static final String ATTEMPT_VARIABLE = "LABQ_ATTEMPT";
    static final String EXIT_FILE_VARIABLE = "LABQ_EXIT_FILE";

    private final Path logs;
    private final ExecutionListener listener;
    private final LabqHome home;
    private final JobCheckpoints checkpoints;
    private final MachineInventory gpus;
    private final ExecutorService launcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labq-launcher");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** An executor that writes logs only: no checkpoint directories, nothing of a home in the jobs' environment. */
    public ProcessExecutor(Path logs, ExecutionListener listener) {
        this.logs = logs;
        this.listener = listener;
        this.home = null;
        this.checkpoints = null;
        this.gpus = null;
    }

    /**
     * The executor of a scheduler on {@code home}: each attempt gets {@code LABQ_HOME}, {@code home/bin} first on
     * its PATH (where {@code labq} is), an empty staging directory as {@value JobCheckpoints#DIR_VARIABLE} and, when
     * the job has a checkpoint that verifies, {@value JobCheckpoints#RESUME_VARIABLE}; its GPUs are named in
     * {@code CUDA_VISIBLE_DEVICES} as {@code gpus} says the driver knows them (UUIDs where discovered).
     */
    public ProcessExecutor(LabqHome home, ExecutionListener listener, JobCheckpoints checkpoints, MachineInventory gpus) {
        this.logs = home.logs();
        this.listener = listener;
        this.home = home;
        this.checkpoints = checkpoints;
        this.gpus = gpus;
    }

    /** The stdout file of a job. */
    public static Path stdoutOf(Path logs, JobId job) {
        return logs.resolve(job + ".out");
    }

    /** The stdout file an attempt before the latest one wrote: the latest writes {@link #stdoutOf}. */
    public static Path stdoutOf(Path logs, JobId job, int attempt) {
        return logs.resolve(job + "." + attempt + ".out");
    }

    /**
     * Before attempt N > 1 writes {@code JOB.out} and {@code JOB.err}, the ones there (attempt N - 1's) become
     * {@code JOB.(N-1).out} and {@code .err}: every attempt's output is kept, the latest under the plain names.
     */
    private void keepEarlierAttemptsLogs(Launch launch) throws IOException {
        if (launch.attempt() <= 1) {
            return;
        }
        int earlier = launch.attempt() - 1;
        Path out = stdoutOf(logs, launch.job());
        Path err = stderrOf(logs, launch.job());
        if (Files.exists(out)) {
            Files.move(out, stdoutOf(logs, launch.job(), earlier), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(err)) {
            Files.move(err, logs.resolve(launch.job() + "." + earlier + ".err"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The stderr file of a job. */
    public static Path stderrOf(Path logs, JobId job) {
        return logs.resolve(job + ".err");
    }

    @Override
    public void start(Launch launch) {
        long asked = launch.spec().resources().memoryMb();
        // A job that did not say --mem has the default request, not a limit it chose: it is not killed for memory.
        Running slot = new Running(launch.job(), launch.attempt(), asked == Resources.DEFAULT.memoryMb() ? 0 : asked);
        running.put(key(launch.job(), launch.attempt()), slot);
        launcher.execute(() -> fork(launch, slot));
    }

    /** An array task's place in its array, under labq's names and Slurm's (for scripts moved over). */
    static void putArrayVariables(Map<String, String> env, ArrayTask task) {
        for (String prefix : List.of("LABQ_ARRAY_", "SLURM_ARRAY_")) {
            env.put(prefix + "JOB_ID", Long.toString(task.arrayId()));
            env.put(prefix + "TASK_ID", Integer.toString(task.taskId()));
            env.put(prefix + "TASK_COUNT", Integer.toString(task.taskCount()));
            env.put(prefix + "TASK_MIN", Integer.toString(task.minTask()));
            env.put(prefix + "TASK_MAX", Integer.toString(task.maxTask()));
        }
    }

    /** How CUDA names GPU {@code id}: its UUID when discovered (CUDA's device order can differ from nvidia-smi's). */
    private String visibleAs(int id) {
        return gpus == null ? Integer.toString(id)
                : gpus.gpu(id).map(MachineInventory.GpuDevice::visibleAs).orElse(Integer.toString(id));
    }

    private void fork(Launch launch, Running slot) {
        JobSpec spec = launch.spec();
        Path exitFile = exitFileOf(logs, launch.job(), launch.attempt());
        ProcessBuilder builder = new ProcessBuilder(wrapped(launch.job(), command(spec)));
        Map<String, String> env = builder.environment();
        if (spec.fullEnv()) { // sbatch --export: the submitter's variables, none of the scheduler's own
            env.clear();
        }
        env.putAll(spec.env());
        env.put(JOB_ID_VARIABLE, launch.job().toString());
        env.put(ATTEMPT_VARIABLE, Integer.toString(launch.attempt()));
        env.put("LABQ_PROJECT", spec.project());
        env.put(EXIT_FILE_VARIABLE, exitFile.toString());
        List<Integer> gpuIds = launch.allocation().gpuIds();
        env.put("CUDA_VISIBLE_DEVICES", gpuIds.stream().map(this::visibleAs).collect(Collectors.joining(",")));
        env.put("LABQ_GPUS", gpuIds.stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (!gpuIds.isEmpty()) { // what part of each device is the job's: 1, or its share (0.5)
            env.put("LABQ_GPU_SHARE", Resources.gpuText(launch.allocation().milliPerGpu() / (double) Resources.WHOLE));
        }
        if (spec.array() != null) {
            putArrayVariables(env, spec.array());
        }
        if (home != null) {
            env.put("LABQ_HOME", home.root().toString());
            if (Files.isExecutable(home.bin().resolve("labq"))) {
                String path = env.get("PATH");
                env.put("PATH", home.bin() + (path == null || path.isEmpty() ? "" : File.pathSeparator + path));
            }
        }
        File workdir = spec.workdir() == null ? null : new File(spec.workdir());
        builder.directory(workdir);
        Process process;
        synchronized (slot) {
            if (slot.cause != null) {
                finish(slot, -1, null);
                return;
            }
            try {
                if (checkpoints != null) {
                    putCheckpointVariables(env, launch);
                }
                String missing = ProgramLookup.problem(spec, workdir, env.get("PATH"));
                if (missing != null) {
                    finish(slot, 127, "cannot start " + spec.argv().get(0) + ": " + missing);
                    return;
                }
                Files.createDirectories(logs);
                Files.deleteIfExists(exitFile);
                keepEarlierAttemptsLogs(launch);
                builder.redirectOutput(stdoutOf(logs, launch.job()).toFile());
                builder.redirectError(stderrOf(logs, launch.job()).toFile());
                process = builder.start();
            } catch (IOException | RuntimeException e) {
                finish(slot, 127, "cannot start " + spec.argv().get(0) + ": " + e.getMessage());
                return;
            }
            slot.handle = process.toHandle();
        }
        listener.started(launch.job(), launch.attempt(), process.pid(), startMillis(process.toHandle()));
        process.onExit().thenAccept(p -> finish(slot, p.exitValue(), null));
    }

    /**
     * The attempt's staging directory, emptied of what an earlier attempt left, and the newest checkpoint that
     * verifies (those newer that do not are quarantined, and journaled as such).
     */
    private void putCheckpointVariables(Map<String, String> env, Launch launch) throws IOException {
        env.put(JobCheckpoints.DIR_VARIABLE, checkpoints.prepareStaging(launch.job(), launch.attempt()).toString());
        Optional<JobCheckpoints.Resume> resume = checkpoints.resumePoint(launch.job(), listener::journal);
        if (resume.isPresent()) {
            env.put(JobCheckpoints.RESUME_VARIABLE, resume.get().directory().toString());
            listener.journal(new JournalEvent.CheckpointResumed(launch.job(), launch.attempt(), resume.get().number()));
        }
    }

    private static List<String> command(JobSpec spec) {
        return spec.shell() ? List.of("/bin/sh", "-c", String.join(" ", spec.argv())) : spec.argv();
    }

    /**
     * The job's argv under a small shell that outlives nothing but records the exit code in a file, so a
     * scheduler that restarts while the job runs (or after it ended) still learns how it ended. The user's
     * argv is passed as "$@", never re-parsed; TERM is forwarded to the job.
     */
    private static List<String> wrapped(JobId job, List<String> argv) {
        List<String> command = new ArrayList<>(argv.size() + 4);
        command.add("/bin/sh");
        command.add("-c");
        command.add(WRAPPER);
        command.add("labq-job-" + job);
        command.addAll(argv);
        return command;
    }

    private static final String WRAPPER = String.join("\n",
            "\"$@\" &",
            "child=$!",
            "trap 'kill -TERM $child 2>/dev/null' TERM",
            "wait $child; code=$?",
            "while kill -0 $child 2>/dev/null; do wait $child; code=$?; done",
            "printf '%s\\n' \"$code\" > \"$LABQ_EXIT_FILE.tmp\" && mv -f \"$LABQ_EXIT_FILE.tmp\" \"$LABQ_EXIT_FILE\"",
            "exit $code");

    /** The file an attempt's wrapper writes its exit code to. */
    public static Path exitFileOf(Path logs, JobId job, int attempt) {
        return logs.resolve(job + "." + attempt + ".exit");
    }

    @Override
    public OptionalInt recordedExit(JobId job, int attempt) {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(exitFileOf(logs, job, attempt)).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private void finish(Running slot, int exitCode, String detail) {
        running.remove(key(slot.job, slot.attempt));
        if (checkpoints != null) {
            checkpoints.discardStaging(slot.job, slot.attempt); // uncommitted state is no checkpoint
        }
        listener.exited(slot.job, slot.attempt, exitCode, slot.cause, slot.cause == EndCause.OUT_OF_MEMORY ? slot.overMemory : detail);
    }

    @Override
    public void terminate(JobId job, int attempt, EndCause cause) {
        Running slot = running.get(key(job, attempt));
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (slot.cause == null) {
                slot.cause = cause;
            }
            if (slot.handle != null) {
                signal(slot.handle, false);
            }
        }
    }

    @Override
    public void completed(JobStatus job) {
        if (checkpoints != null) {
            checkpoints.discardCompleted(job.id(), listener::journal);
        }
    }

    @Override
    public void kill(JobId job, int attempt) {
        Running slot = running.get(key(job, attempt));
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (slot.handle != null) {
                signal(slot.handle, true);
            }
        }
    }

    /**
     * Sends {@code signal} to the job's own process (the wrapper's child), not to its children: the job decides
     * how it checkpoints, and a child that does not handle the signal would die of it.
     */
    @Override
    public void requestCheckpoint(JobId job, int attempt, String signal) {
        Running slot = running.get(key(job, attempt));
        ProcessHandle wrapper = slot == null ? null : slot.handle;
        if (wrapper == null) {
            return;
        }
        wrapper.children().forEach(child -> {
            try {
                new ProcessBuilder("kill", "-s", signal, Long.toString(child.pid()))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                // the next interval asks again
            }
        });
    }

    /**
     * Signals the job's process, then its descendants as they were before: the job first, so a shell cannot
     * see its child die and run the rest of its script; the snapshot first, because descendants of a dead
     * process are reparented and can no longer be found.
     */
    private static void signal(ProcessHandle job, boolean kill) {
        java.util.List<ProcessHandle> descendants = job.descendants().toList();
        if (kill) {
            job.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        } else {
            job.destroy();
            descendants.forEach(ProcessHandle::destroy);
        }
    }

    @Override
    public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
        Optional<ProcessHandle> handle = pid > 0
                ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startMillis(h) == pidStartMillis)
                : findByEnvironment(job, attempt);
        if (handle.isEmpty()) {
            return false;
        }
        Running slot = new Running(job, attempt, 0);
        slot.handle = handle.get();
        running.put(key(job, attempt), slot);
        if (pid <= 0) { // the earlier scheduler died before it journaled this start
            listener.started(job, attempt, slot.handle.pid(), startMillis(slot.handle));
        }
        // Not our child, so its exit status is not ours to read: the wrapper's exit file tells it.
        slot.handle.onExit().thenAccept(h -> {
            OptionalInt recorded = recordedExit(job, attempt);
            finish(slot, recorded.orElse(-1), recorded.isPresent() ? null
                    : "exit code unknown: re-attached after a scheduler restart, and the job left no exit file");
        });
        return true;
    }

    /**
     * The wrapper process of an attempt, found by the variables it was started with (Linux /proc): the
     * topmost process carrying them, since the job's own processes inherit them too.
     */
    private Optional<ProcessHandle> findByEnvironment(JobId job, int attempt) {
        // The exit file names this home's logs, the job and the attempt: no other home's job matches it.
        String exitFileVariable = EXIT_FILE_VARIABLE + "=" + exitFileOf(logs, job, attempt);
        List<ProcessHandle> matches = ProcessHandle.allProcesses().filter(h -> {
            try {
                List<String> environment = List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "environ")),
                        java.nio.charset.StandardCharsets.UTF_8).split("\0"));
                return environment.contains(exitFileVariable);
            } catch (IOException | RuntimeException e) {
                return false; // gone meanwhile, not ours to read, or no /proc
            }
        }).toList();
        return matches.stream().filter(h -> h.parent().map(p -> !matches.contains(p)).orElse(true)).findFirst();
    }

    /** The process start time as the OS reports it, 0 when unknown; with the pid it names one process. */
    static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    @Override
    public int running() {
        return running.size();
    }

    /** Lets forks already decided happen (so their starts are journaled), then stops the launcher. */
    @Override
    public void close() {
        launcher.shutdown();
        try {
            launcher.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String key(JobId job, int attempt) {
        return job.value() + "#" + attempt;
    }

    private static final class Running {
        final JobId job;
        final int attempt;
        /** The memory it asked for, MiB, enforced; 0: not enforced (the default request, or re-attached after a restart). */
        final long memoryMb;
        volatile ProcessHandle handle; // written under the slot's lock, read by exit callbacks
        volatile EndCause cause;
        volatile String overMemory;

        Running(JobId job, int attempt, long memoryMb) {
            this.job = job;
            this.attempt = attempt;
            this.memoryMb = memoryMb;
        }
    }

    /**
     * Kills, with reason {@code OutOfMemory}, every attempt whose process tree holds more resident memory than it
     * asked for by more than {@code tolerance} (Slurm's OverMemoryKill); called every few seconds by the monitor.
     */
    public void enforceMemory(ProcessTreeUsage usage, double tolerance) {
        for (Running slot : running.values()) {
            ProcessHandle handle = slot.handle;
            if (handle == null || slot.memoryMb <= 0 || !handle.isAlive()) {
                continue;
            }
            long rss = usage.of(handle).rssMb();
            if (rss > slot.memoryMb * (1 + tolerance)) {
                synchronized (slot) {
                    if (slot.cause == null) {
                        slot.cause = EndCause.OUT_OF_MEMORY;
                        slot.overMemory = "OutOfMemory: " + rss + "M resident, --mem " + slot.memoryMb + "M"
                                + (tolerance > 0 ? " (+" + Math.round(tolerance * 100) + "% allowed)" : "");
                    }
                    signal(handle, true);
                }
            }
        }
    }
}
