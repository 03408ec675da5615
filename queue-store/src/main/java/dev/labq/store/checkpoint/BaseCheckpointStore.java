package dev.labq.store.checkpoint;

import dev.labq.store.lock.ExclusiveFileLock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static dev.labq.store.checkpoint.CheckpointException.Problem.STORAGE;
import static dev.labq.store.checkpoint.CheckpointException.Problem.UNKNOWN_CHECKPOINT;

/**
 * What both providers share: an owner's directory ({@code ROOT/OWNER}) with its checkpoints as numbered directories
 * ({@code 000000003/}, each with its {@code MANIFEST}), the last number given ({@code last-number}, so numbers are
 * never reused), a commit built in {@code .incoming-N/} and renamed into place once fsynced, and
 * {@code quarantine/}. Providers say where the data goes.
 */
abstract class BaseCheckpointStore implements CheckpointStore {
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern NUMBERED = Pattern.compile("[0-9]{9}");
    private static final Duration LOCK_WAIT = Duration.ofMinutes(2);
    static final String QUARANTINE = "quarantine";
    /** Where a commit keeps the files it took, under its directory. */
    static final String DATA = "data";

    final Path root;
    /** Test seam: runs between a commit's scan of the staging directory and its reading of the files. */
    volatile Runnable afterScan = () -> { };
    /** Test seam: data writes beyond this many bytes fail as a full disk would, where a real one cannot be made. */
    private volatile long writableBytes = Long.MAX_VALUE;
    private final AtomicLong written = new AtomicLong();

    BaseCheckpointStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The lock a commit, delete or quarantine of {@code owner} holds. */
    abstract Path lockFile(String owner);

    /**
     * Stores the data of the checkpoint being built in {@code incoming}, whose files are in {@code incoming/data}
     * (taken from the staging directory as {@code files} describe them); checks they did not change since.
     */
    abstract Stored store(Path incoming, List<StagedFile> files) throws IOException;

    /** After the commit made {@code directory} visible. */
    void sealed(Path directory) {
    }

    /** Checks the data of the checkpoint in {@code directory} against its manifest: the first problem, or null. */
    abstract String verifyData(Path directory, Manifest manifest) throws IOException;

    /** A directory with the checkpoint's files. */
    abstract Path openData(Path directory, Manifest manifest, Path scratch) throws IOException;

    /** After checkpoints were removed (deleted, pruned, quarantined), under the lock. */
    void afterRemove() throws IOException {
    }

    /** What {@link #store} did: the manifest's entries, and the bytes it wrote. */
    record Stored(List<Manifest.Entry> entries, long storedBytes) {
    }

    /** Counts {@code bytes} about to be written against the test seam's limit. */
    final void guard(long bytes) throws IOException {
        if (written.addAndGet(bytes) > writableBytes) {
            throw new IOException("No space left on device");
        }
    }

    /** Test seam: writes of data past {@code bytes} from now on fail with the full disk's {@link IOException}. */
    final void failWritesAfter(long bytes) {
        written.set(0);
        writableBytes = bytes;
    }

    @Override
    public PendingCheckpoint begin(String owner, Path staging, long createdMillis, int keep) {
        Path dir = ownerDirectory(owner);
        if (keep < 1) {
            throw new IllegalArgumentException("keep=" + keep + ": keep at least one checkpoint");
        }
        createDirectories(dir);
        ExclusiveFileLock lock = lock(owner);
        try {
            List<StagedFile> files = StagedFile.scan(staging);
            afterScan.run();
            removeLeftovers(dir);
            long number = lastNumber(dir) + 1;
            Path incoming = dir.resolve(".incoming-" + name(number));
            try {
                StoreFiles.replaceDurably(dir.resolve("last-number"), (number + "\n").getBytes());
                takeIn(incoming, files);
                StoreFiles.deleteEmptyDirectories(staging);
            } catch (IOException | RuntimeException e) {
                throw failed(owner, number, incoming, files, e);
            }
            return new Pending(owner, number, createdMillis, keep, incoming, files, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Moves the staged files into the commit being built (a rename; a copy from another file system). */
    private static void takeIn(Path incoming, List<StagedFile> files) throws IOException {
        for (StagedFile f : files) {
            Path target = incoming.resolve(DATA).resolve(f.relative());
            Files.createDirectories(target.getParent());
            try {
                Files.move(f.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.copy(f.file(), target, StandardCopyOption.COPY_ATTRIBUTES);
                Files.delete(f.file());
            }
        }
    }

    /**
     * After a failed commit: the files go back to the staging directory where the job has not written others in
     * their place since, the commit is removed, and the error says the checkpoint before stays the newest.
     */
    private CheckpointException failed(String owner, long number, Path incoming, List<StagedFile> files, Exception e) {
        for (StagedFile f : files) {
            Path taken = incoming.resolve(DATA).resolve(f.relative());
            try {
                if (Files.exists(taken) && !Files.exists(f.file())) {
                    Files.createDirectories(f.file().getParent());
                    Files.move(taken, f.file(), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException ignored) {
                // the file stays in the abandoned commit; nothing better can be done for it here
            }
        }
        deleteQuietly(incoming);
        if (e instanceof CheckpointException refused) {
            return refused;
        }
        return new CheckpointException(STORAGE, "checkpoint " + number + " of " + owner + " cannot be written ("
                + e.getMessage() + "); the one before stays the newest: free space under " + root + " and commit again", e);
    }

    /** A commit whose files are taken; {@link #finish} stores them, makes them durable and the checkpoint visible. */
    private final class Pending implements PendingCheckpoint {
        private final String owner;
        private final long number;
        private final long createdMillis;
        private final int keep;
        private final Path incoming;
        private final List<StagedFile> files;
        private final ExclusiveFileLock lock;

        Pending(String owner, long number, long createdMillis, int keep, Path incoming, List<StagedFile> files,
                ExclusiveFileLock lock) {
            this.owner = owner;
            this.number = number;
            this.createdMillis = createdMillis;
            this.keep = keep;
            this.incoming = incoming;
            this.files = files;
            this.lock = lock;
        }

        @Override
        public long number() {
            return number;
        }

        @Override
        public int files() {
            return files.size();
        }

        @Override
        public long bytes() {
            return files.stream().mapToLong(StagedFile::size).sum();
        }

        @Override
        public Checkpoint finish() {
            try (lock) {
                Path dir = ownerDirectory(owner);
                Path committed = dir.resolve(name(number));
                Stored stored;
                byte[] manifest;
                try {
                    stored = store(incoming, files);
                    manifest = new Manifest(provider(), owner, number, createdMillis, stored.entries()).encode();
                    guard(manifest.length);
                    StoreFiles.writeDurably(incoming.resolve(Manifest.NAME), manifest);
                    StoreFiles.forceDirectory(incoming);
                    Files.move(incoming, committed, StandardCopyOption.ATOMIC_MOVE);
                    StoreFiles.forceDirectory(dir);
                } catch (IOException | RuntimeException e) {
                    throw failed(owner, number, incoming, files, e);
                }
                sealed(committed);
                prune(dir, keep);
                return new Checkpoint(owner, number, createdMillis, files.size(), bytes(), stored.storedBytes(),
                        Manifest.checksumOf(manifest), committed);
            }
        }

        @Override
        public void abandon() {
            try (lock) {
                failed(owner, number, incoming, files, new IOException("abandoned"));
            }
        }
    }

    @Override
    public List<Checkpoint> list(String owner) {
        Path dir = ownerDirectory(owner);
        List<Checkpoint> out = new ArrayList<>();
        for (long number : numbers(dir)) {
            out.add(describe(owner, number, dir.resolve(name(number))));
        }
        return out;
    }

    @Override
    public Optional<Checkpoint> find(String owner, long number) {
        Path directory = ownerDirectory(owner).resolve(name(number));
        return Files.isDirectory(directory) ? Optional.of(describe(owner, number, directory)) : Optional.empty();
    }

    @Override
    public Verification verify(String owner, long number) {
        Path directory = existing(owner, number);
        Manifest manifest;
        try {
            manifest = Manifest.decode(Files.readAllBytes(directory.resolve(Manifest.NAME)));
        } catch (IOException e) {
            return Verification.failed(owner, number, "its manifest cannot be read (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            return Verification.failed(owner, number, "its manifest is damaged: " + e.getMessage());
        }
        if (!manifest.owner().equals(owner) || manifest.number() != number) {
            return Verification.failed(owner, number, "its manifest is that of checkpoint " + manifest.number() + " of "
                    + manifest.owner());
        }
        try {
            String problem = verifyData(directory, manifest);
            return problem == null ? Verification.ok(owner, number) : Verification.failed(owner, number, problem);
        } catch (IOException e) {
            return Verification.failed(owner, number, "its data cannot be read (" + e.getMessage() + ")");
        }
    }

    @Override
    public Path open(String owner, long number, Path scratch) {
        Path directory = existing(owner, number);
        try {
            return openData(directory, Manifest.decode(Files.readAllBytes(directory.resolve(Manifest.NAME))), scratch);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(STORAGE, "checkpoint " + number + " of " + owner + " cannot be opened ("
                    + e.getMessage() + "); verify it with `labq checkpoint verify " + owner + "`", e);
        }
    }

    @Override
    public void delete(String owner, long number) {
        Path dir = ownerDirectory(owner);
        existing(owner, number);
        try (ExclusiveFileLock ignored = lock(owner)) {
            existing(owner, number);
            removeCheckpoint(dir, number);
            afterRemove();
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "checkpoint " + number + " of " + owner + " cannot be deleted ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void quarantine(String owner, long number) {
        Path dir = ownerDirectory(owner);
        existing(owner, number);
        try (ExclusiveFileLock ignored = lock(owner)) {
            Path directory = existing(owner, number);
            Path aside = dir.resolve(QUARANTINE).resolve(name(number));
            Files.createDirectories(aside.getParent());
            Files.move(directory, aside, StandardCopyOption.ATOMIC_MOVE);
            StoreFiles.forceDirectory(dir);
            afterRemove();
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "checkpoint " + number + " of " + owner + " cannot be quarantined ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public List<Long> quarantined(String owner) {
        return numbers(ownerDirectory(owner).resolve(QUARANTINE));
    }

    /** Takes the lock for changing {@code owner}'s checkpoints, waiting for another commit or delete to finish. */
    final ExclusiveFileLock lock(String owner) {
        Path file = lockFile(owner);
        createDirectories(file.getParent());
        return ExclusiveFileLock.acquire(file, LOCK_WAIT);
    }

    /** The directory of checkpoint {@code number}; {@link CheckpointException} when there is none. */
    final Path existing(String owner, long number) {
        Path directory = ownerDirectory(owner).resolve(name(number));
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException(UNKNOWN_CHECKPOINT, "checkpoint=" + number + " of " + owner + " does not exist;"
                    + " its checkpoints are " + numbers(ownerDirectory(owner)));
        }
        return directory;
    }

    final Path ownerDirectory(String owner) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("owner=" + owner + ": use letters, digits, '.', '_' or '-', at most 128");
        }
        return root.resolve(owner);
    }

    static String name(long number) {
        return String.format("%09d", number);
    }

    /** The numbered checkpoint directories in {@code dir}, ascending. */
    static List<Long> numbers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> NUMBERED.matcher(n).matches())
                    .map(Long::parseLong).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "checkpoints=" + dir + " cannot be listed (" + e.getMessage() + ")", e);
        }
    }

    /** A checkpoint as its manifest says; one whose manifest does not read is listed with nothing known (verify says why). */
    private Checkpoint describe(String owner, long number, Path directory) {
        try {
            byte[] bytes = Files.readAllBytes(directory.resolve(Manifest.NAME));
            Manifest manifest = Manifest.decode(bytes);
            return new Checkpoint(owner, number, manifest.createdMillis(), manifest.files().size(), manifest.bytes(),
                    -1, Manifest.checksumOf(bytes), directory);
        } catch (IOException | IllegalArgumentException e) {
            return new Checkpoint(owner, number, 0, 0, 0, -1, null, directory);
        }
    }

    private void prune(Path dir, int keep) {
        List<Long> numbers = numbers(dir);
        if (numbers.size() <= keep) {
            return;
        }
        try {
            for (long number : numbers.subList(0, numbers.size() - keep)) {
                removeCheckpoint(dir, number);
            }
            afterRemove();
        } catch (IOException e) {
            // the new checkpoint is committed; an old one left over is pruned by the next commit
        }
    }

    /** Renames the checkpoint out of the numbered names first, so a crash mid-delete never leaves half of one listed. */
    private static void removeCheckpoint(Path dir, long number) throws IOException {
        Path doomed = dir.resolve(".deleting-" + name(number));
        Files.move(dir.resolve(name(number)), doomed, StandardCopyOption.ATOMIC_MOVE);
        StoreFiles.forceDirectory(dir);
        StoreFiles.deleteTree(doomed);
    }

    /** What a crash left: a commit or a delete cut off midway. */
    private static void removeLeftovers(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".incoming-") || n.startsWith(".deleting-")) {
                    StoreFiles.deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "checkpoints=" + dir + " cannot be cleaned (" + e.getMessage() + ")", e);
        }
    }

    private static long lastNumber(Path dir) {
        long last = 0;
        try {
            last = Long.parseLong(Files.readString(dir.resolve("last-number")).trim());
        } catch (NoSuchFileException e) {
            // the first commit
        } catch (IOException | NumberFormatException e) {
            throw new CheckpointException(STORAGE, "checkpoints=" + dir + " has an unreadable last-number ("
                    + e.getMessage() + "); remove it to number from the checkpoints there", e);
        }
        for (long n : numbers(dir)) {
            last = Math.max(last, n);
        }
        for (long n : numbers(dir.resolve(QUARANTINE))) {
            last = Math.max(last, n);
        }
        return last;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(STORAGE, "checkpoints=" + dir + " cannot be created (" + e.getMessage()
                    + "); check that the labq home is writable", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            StoreFiles.deleteTree(dir);
        } catch (IOException e) {
            // left for the next commit's clean-up
        }
    }

    /** The CRC-32C of a whole file. */
    static int crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return (int) crc.getValue();
    }
}
