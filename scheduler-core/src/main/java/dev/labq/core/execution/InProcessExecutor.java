package dev.labq.core.execution;

import dev.labq.core.LabqException;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.domain.JobId;
import dev.labq.core.state.JobStatus;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.time.Clock;

import java.io.IOException;
import java.nio.file.Files;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link LabqTask}s of the embedding API on a bounded pool of daemon threads.
 *
 * <p>A task lives only in the JVM that submitted it: after a restart its job is journaled but its code is
 * gone, so the attempt ends FAILED with that reason unless the task was registered again. A task whose attempt
 * failed stays registered, so a retry or a requeue runs it again; one that succeeded or was cancelled does not.
 */
public final class InProcessExecutor implements JobExecutor {
    private final ExecutionListener listener;
    private final JobCheckpoints checkpoints;
    private final Clock clock;
    private final ExecutorService pool;
    private final Map<Long, LabqTask> tasks = new ConcurrentHashMap<>();
    private final Map<Long, Attempt> running = new ConcurrentHashMap<>();

    public InProcessExecutor(int threads, ExecutionListener listener) {
        this(threads, listener, null, Clock.system());
    }

    /** An executor whose {@link CheckpointingTask}s checkpoint through {@code checkpoints}. */
    public InProcessExecutor(int threads, ExecutionListener listener, JobCheckpoints checkpoints, Clock clock) {
        this.listener = listener;
        this.checkpoints = checkpoints;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "labq-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Makes {@code task} the code of {@code job}; call before the job can be dispatched. */
    public void register(JobId job, LabqTask task) {
        tasks.put(job.value(), task);
    }

    @Override
    public void start(Launch launch) {
        LabqTask task = tasks.get(launch.job().value());
        if (task == null) {
            listener.exited(launch.job(), launch.attempt(), -1, null,
                    "in-process task is not registered in this JVM (its code was lost with the JVM that submitted it)");
            return;
        }
        Attempt attempt = new Attempt(launch.attempt());
        running.put(launch.job().value(), attempt);
        pool.execute(() -> run(launch, task, attempt));
    }

    private void run(Launch launch, LabqTask task, Attempt attempt) {
        synchronized (attempt) {
            if (attempt.cause != null) { // terminated while queued
                running.remove(launch.job().value());
                listener.exited(launch.job(), launch.attempt(), -1, attempt.cause, null);
                return;
            }
            attempt.thread = Thread.currentThread();
        }
        listener.started(launch.job(), launch.attempt(), 0, 0);
        int exitCode;
        String detail = null;
        try {
            exitCode = task instanceof CheckpointingTask checkpointing
                    ? checkpointing.run(new Context(launch.job(), launch.attempt()))
                    : task.run(launch.job(), launch.attempt());
        } catch (InterruptedException e) {
            exitCode = -1;
            detail = "interrupted";
        } catch (Exception | Error e) { // whatever the task throws, its attempt must end and free its resources
            exitCode = 1;
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        synchronized (attempt) {
            attempt.thread = null;
            Thread.interrupted(); // a late terminate must not leak into the pool's next task
        }
        running.remove(launch.job().value());
        if (exitCode == 0 || attempt.cause == EndCause.CANCELLED) {
            tasks.remove(launch.job().value(), task); // done with; a failed one stays for a retry or a requeue
        }
        if (checkpoints != null) {
            checkpoints.discardStaging(launch.job(), launch.attempt());
        }
        listener.exited(launch.job(), launch.attempt(), exitCode, attempt.cause, detail);
    }

    @Override
    public void terminate(JobId job, int attempt, EndCause cause) {
        Attempt a = running.get(job.value());
        if (a != null && a.number == attempt) {
            synchronized (a) {
                a.cause = a.cause == null ? cause : a.cause;
                if (a.thread != null) {
                    a.thread.interrupt();
                }
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
        terminate(job, attempt, EndCause.CANCELLED);
    }

    @Override
    public boolean reattach(JobId job, int attempt, long pid, long pidStartMillis) {
        return false;
    }

    @Override
    public int running() {
        return running.size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** A checkpointing task's view of the store: its state is the file {@code state} of each checkpoint. */
    private final class Context implements TaskContext {
        private static final String STATE = "state";
        private final JobId job;
        private final int attempt;

        Context(JobId job, int attempt) {
            this.job = job;
            this.attempt = attempt;
        }

        @Override
        public JobId job() {
            return job;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public long checkpoint(byte[] state) {
            JobCheckpoints store = required();
            try {
                Files.write(Files.createDirectories(store.staging(job, attempt)).resolve(STATE), state);
            } catch (IOException e) {
                throw new LabqException(LabqException.Kind.STORAGE, "checkpoint of job " + job + " cannot be staged ("
                        + e.getMessage() + "); the one before stays the newest", e);
            }
            JournalEvent.CheckpointCommitted committed = store.commitRunning(job, attempt, clock.millis());
            listener.journal(committed);
            return committed.number();
        }

        @Override
        public Optional<byte[]> restore() {
            Optional<JobCheckpoints.Resume> resume = required().resumePoint(job, listener::journal);
            if (resume.isEmpty()) {
                return Optional.empty();
            }
            listener.journal(new JournalEvent.CheckpointResumed(job, attempt, resume.get().number()));
            try {
                return Optional.of(Files.readAllBytes(resume.get().directory().resolve(STATE)));
            } catch (IOException e) {
                throw new LabqException(LabqException.Kind.STORAGE, "checkpoint " + resume.get().number() + " of job " + job
                        + " cannot be read (" + e.getMessage() + ")", e);
            }
        }

        private JobCheckpoints required() {
            if (checkpoints == null) {
                throw new LabqException(LabqException.Kind.ILLEGAL_STATE, "this executor has no checkpoint store;"
                        + " run the task under a LabqScheduler");
            }
            return checkpoints;
        }
    }

    private static final class Attempt {
        final int number;
        volatile EndCause cause;
        Thread thread;

        Attempt(int number) {
            this.number = number;
        }
    }
}
