package dev.labq.core;

import java.nio.file.Path;

/**
 * The state directory of one labq installation and the place of everything in it.
 *
 * <pre>
 *   journal/        Chronicle Queue: every command and event, in order
 *   views/          Chronicle Maps: jobs, allocations, usage, meta
 *   logs/           JOB.out and JOB.err of each job
 *   checkpoints/    STORE/JOB/N: each job's committed checkpoints; staging/JOB: its LABQ_CHECKPOINT_DIR;
 *                   restore/JOB: a checkpoint rebuilt to resume from, for stores that do not keep plain files
 *   bin/labq        the labq that started the scheduler, first on the PATH of its jobs
 *   job-ids         the job id sequence (advanced under a file lock)
 *   scheduler.lock  held by the one running scheduler
 *   scheduler.sock  local socket of the running scheduler (the CLI's fast path)
 *   labq.yaml       optional configuration replacing the shipped default
 * </pre>
 */
public record LabqHome(Path root) {
    public LabqHome {
        root = root.toAbsolutePath().normalize();
    }

    public static LabqHome of(Path root) {
        return new LabqHome(root);
    }

    public Path journal() { return root.resolve("journal"); }
    public Path views() { return root.resolve("views"); }
    public Path logs() { return root.resolve("logs"); }
    public Path checkpoints() { return root.resolve("checkpoints"); }
    public Path bin() { return root.resolve("bin"); }
    public Path jobIds() { return root.resolve("job-ids"); }
    public Path lock() { return root.resolve("scheduler.lock"); }
    public Path socket() { return root.resolve("scheduler.sock"); }
}
