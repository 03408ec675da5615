package dev.labq.store.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints as plain files: a commit moves the staged files into the checkpoint (a rename on the same file
 * system, a copy otherwise), checksums and fsyncs them, and makes them read-only; a job resumes from the
 * checkpoint's own {@code data/} directory, with nothing copied.
 */
public final class FilesystemCheckpointStore extends BaseCheckpointStore {
    public static final String NAME = "filesystem";
    private static final String DATA = "data";

    public FilesystemCheckpointStore(Path root) {
        super(root);
    }

    /** Found by {@link CheckpointStores} as {@value #NAME}. */
    public static final class Provider implements CheckpointStoreProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public CheckpointStore open(Path root) {
            return new FilesystemCheckpointStore(root);
        }
    }

    @Override
    public String provider() {
        return NAME;
    }

    @Override
    Path lockFile(String owner) {
        return ownerDirectory(owner).resolve(".lock");
    }

    @Override
    Stored store(Path incoming, List<StagedFile> files) throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>(files.size());
        long stored = 0;
        for (StagedFile f : files) {
            Path target = incoming.resolve(DATA).resolve(f.relative());
            Files.createDirectories(target.getParent());
            guard(f.size());
            try {
                Files.move(f.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) { // staging on another file system
                Files.copy(f.file(), target, StandardCopyOption.COPY_ATTRIBUTES);
            }
            int crc = crc32c(target);
            f.requireUnchanged(target);
            StoreFiles.force(target);
            entries.add(new Manifest.Entry(f.relative(), f.size(), crc, List.of()));
            stored += f.size();
        }
        for (Path dir : directoriesUnder(incoming.resolve(DATA))) {
            StoreFiles.forceDirectory(dir);
        }
        return new Stored(entries, stored);
    }

    @Override
    void restoreStaging(Path incoming, List<StagedFile> files) {
        for (StagedFile f : files) {
            Path moved = incoming.resolve(DATA).resolve(f.relative());
            try {
                if (Files.exists(moved) && !Files.exists(f.file())) {
                    Files.createDirectories(f.file().getParent());
                    Files.move(moved, f.file(), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                // the file stays in the abandoned commit; nothing better can be done for it here
            }
        }
    }

    @Override
    void finish(Path directory, Path staging, List<StagedFile> files) throws IOException {
        for (StagedFile f : files) {
            Files.deleteIfExists(f.file()); // copied across file systems: the original is still there
            directory.resolve(DATA).resolve(f.relative()).toFile().setWritable(false, false);
        }
        StoreFiles.deleteEmptyDirectories(staging);
    }

    @Override
    String verifyData(Path directory, Manifest manifest) throws IOException {
        for (Manifest.Entry e : manifest.files()) {
            Path file = directory.resolve(DATA).resolve(e.path());
            if (!Files.isRegularFile(file)) {
                return "file=" + e.path() + " is missing";
            }
            long size = Files.size(file);
            if (size != e.size()) {
                return "file=" + e.path() + " has " + size + " bytes, its manifest says " + e.size();
            }
            int crc = crc32c(file);
            if (crc != e.crc32c()) {
                return "file=" + e.path() + " has CRC-32C " + Manifest.hex(crc) + ", its manifest says " + Manifest.hex(e.crc32c());
            }
        }
        return null;
    }

    @Override
    Path openData(Path directory, Manifest manifest, Path scratch) {
        return directory.resolve(DATA);
    }

    private static List<Path> directoriesUnder(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            return paths.filter(Files::isDirectory).toList();
        }
    }
}
