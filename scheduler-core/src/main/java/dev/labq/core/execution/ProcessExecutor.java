package dev.labq.core.execution;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final Path logs;
    private final ExecutionListener listener;
    private final ExecutorService launcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labq-launcher");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    public ProcessExecutor(Path logs, ExecutionListener listener) {
        this.logs = logs;
        this.listener = listener;
    }

    /** The stdout file of a job. */
    public static Path stdoutOf(Path logs, JobId job) {
        return logs.resolve(job + ".out");
    }

    /** The stderr file of a job. */
    public static Path stderrOf(Path logs, JobId job) {
        return logs.resolve(job + ".err");
    }

    @Override
    public void start(Launch launch) {
        Running slot = new Running(launch.job(), launch.attempt());
        running.put(key(launch.job(), launch.attempt()), slot);
        launcher.execute(() -> fork(launch, slot));
    }

    private void fork(Launch launch, Running slot) {
        JobSpec spec = launch.spec();
        ProcessBuilder builder = new ProcessBuilder(command(spec));
        Map<String, String> env = builder.environment();
        env.putAll(spec.env());
        env.put("LABQ_JOB_ID", launch.job().toString());
        env.put("LABQ_ATTEMPT", Integer.toString(launch.attempt()));
        env.put("LABQ_PROJECT", spec.project());
        env.put("CUDA_VISIBLE_DEVICES", launch.allocation().gpuIds().stream().map(String::valueOf)
                .collect(Collectors.joining(",")));
        if (spec.workdir() != null) {
            builder.directory(new File(spec.workdir()));
        }
        Process process;
        synchronized (slot) {
            if (slot.cause != null) {
                finish(slot, -1, null);
                return;
            }
            try {
                Files.createDirectories(logs);
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

    private static List<String> command(JobSpec spec) {
        if (!spec.shell()) {
            return spec.argv();
        }
        List<String> command = new ArrayList<>(3);
        command.add("/bin/sh");
        command.add("-c");
        command.add(String.join(" ", spec.argv()));
        return command;
    }

    private void finish(Running slot, int exitCode, String detail) {
        running.remove(key(slot.job, slot.attempt));
        listener.exited(slot.job, slot.attempt, exitCode, slot.cause, detail);
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
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> startMillis(h) == pidStartMillis);
        if (handle.isEmpty()) {
            return false;
        }
        Running slot = new Running(job, attempt);
        slot.handle = handle.get();
        running.put(key(job, attempt), slot);
        // Not our child: the exit code is not ours to read; reporting -1 is honest.
        handle.get().onExit().thenAccept(h -> finish(slot, -1, "exit code unknown: re-attached after a scheduler restart"));
        return true;
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
        ProcessHandle handle;
        EndCause cause;

        Running(JobId job, int attempt) {
            this.job = job;
            this.attempt = attempt;
        }
    }
}
