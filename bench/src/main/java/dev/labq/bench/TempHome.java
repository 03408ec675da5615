package dev.labq.bench;

import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.config.LabqConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A fresh labq home in a temporary directory, with its own labq.yaml, deleted on close. The end-to-end
 * harnesses run the real scheduler on it: Chronicle journal, Chronicle Map views, the Disruptor ring.
 *
 * <p>The machine is written out in the file (CPUs and memory, no GPUs) rather than "auto": "auto" asks OSHI
 * for the memory (a third of a second), which is not what the harnesses measure, and a fixed machine makes
 * runs on different boxes decide the same way. Direct clients read the same file, so they validate as the
 * scheduler does.
 */
final class TempHome implements AutoCloseable {
    private final Path root;
    private final LabqConfig config;

    private TempHome(Path root, LabqConfig config) {
        this.root = root;
        this.config = config;
    }

    /**
     * A home whose machine has {@code cpus} CPUs and {@code memory} (a size such as 64G), one project
     * {@code default}, {@code inProcessThreads} threads for in-process tasks, and no kill grace period.
     */
    static TempHome create(String prefix, int cpus, String memory, int inProcessThreads) {
        try {
            Path root = Files.createTempDirectory(prefix);
            Files.writeString(root.resolve(LabqConfig.FILE_NAME), String.format(Locale.ROOT, """
                    machine: { cpus: %d, memory: %s, gpus: [] }
                    projects:
                      default: { importance: 10 }
                    scheduler: { killGraceSeconds: 0, inProcessThreads: %d, defaultProject: default }
                    """, cpus, memory, inProcessThreads));
            return new TempHome(root, LabqConfig.load(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary labq home", e);
        }
    }

    Path root() {
        return root;
    }

    LabqHome home() {
        return LabqHome.of(root);
    }

    /** A scheduler builder on this home with its configuration, as `labq serve` would start it. */
    LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(root).config(config);
    }

    /** Deletes the views, as a user would who lost them: the next scheduler rebuilds them from the journal. */
    void deleteViews() {
        delete(home().views());
    }

    @Override
    public void close() {
        delete(root);
    }

    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
