package dev.labq.store.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checkpoints as plain files: a commit moves the staged files into the checkpoint (a rename on the same file
 * system, a copy otherwise), checksums and fsyncs them, and makes them read-only; a job resumes from the
 * checkpoint's own {@code data/} directory, with nothing copied.
 */
public final class FilesystemCheckpointStore extends BaseCheckpointStore {
    public static final String NAME = "filesystem";

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
            Path file = incoming.resolve(DATA).resolve(f.relative());
            guard(f.size());
            int crc = crc32c(file);
            f.requireUnchanged(file);
            StoreFiles.force(file);
            entries.add(new Manifest.Entry(f.relative(), f.size(), crc, List.of()));
            stored += f.size();
        }
        for (Path dir : directoriesUnder(incoming.resolve(DATA))) {
            StoreFiles.forceDirectory(dir);
        }
        return new Stored(entries, stored);
    }

    /** A resumed job reads its checkpoint in place: read-only, so it cannot change it by mistake. */
    @Override
    void sealed(Path directory) {
        try (var files = Files.walk(directory.resolve(DATA))) {
            files.filter(Files::isRegularFile).forEach(f -> f.toFile().setWritable(false, false));
        } catch (IOException e) {
            // committed and verified by checksum all the same
        }
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
