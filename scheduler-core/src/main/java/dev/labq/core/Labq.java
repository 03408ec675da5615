package dev.labq.core;

import java.nio.file.Path;

/**
 * The entry point of the embedding API.
 *
 * <pre>{@code
 * try (LabqScheduler labq = Labq.open(Path.of(".labq"))) {
 *     JobHandle h = labq.submit(JobSpec.process("research", "ana", "python", "train.py").build());
 *     JobStatus done = h.outcome().join();
 * }
 * }</pre>
 */
public final class Labq {
    private Labq() {
    }

    /** Opens a scheduler on {@code home} with its configuration, the system clock and OS processes. */
    public static LabqScheduler open(Path home) {
        return LabqScheduler.builder(home).start();
    }
}
