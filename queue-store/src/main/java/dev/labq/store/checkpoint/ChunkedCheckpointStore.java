package dev.labq.store.checkpoint;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.labq.store.lock.ExclusiveFileLock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Incremental checkpoints: every file is cut into 1 MiB chunks, each stored once under its SHA-256
 * ({@code .chunks/ab/ab12...}) and compressed with zstd, so a checkpoint that changes 5% of a large state writes
 * about 5% of it. A job resumes from a copy rebuilt under its scratch directory.
 *
 * <p>Why zstd at level 1: measured here on 256 MiB of float32 state in 1 MiB chunks, zstd level 1 compresses to
 * 0.92 of the size at 230 to 570 MB/s, level 3 to 0.925 no faster, LZ4 to 1.00 (nothing saved) at 1.5 to 3 GB/s.
 * Only new chunks are compressed, so its cost follows what changed, and what it saves is disk. Chunks are addressed
 * by SHA-256 (0.8 to 1.2 GB/s here): a collision would silently join two different chunks.
 *
 * <p>Chunks are shared across owners, so every change to the store (commit, delete, quarantine, and the sweep of
 * chunks no manifest names) holds one store-wide lock; a chunk found damaged is moved aside so the next commit
 * writes it again.
 */
public final class ChunkedCheckpointStore extends BaseCheckpointStore {
    public static final String NAME = "chunked";
    static final int CHUNK = 1 << 20;
    private static final int LEVEL = 1;
    private static final String CHUNKS = ".chunks";

    public ChunkedCheckpointStore(Path root) {
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
            return new ChunkedCheckpointStore(root);
        }
    }

    @Override
    public String provider() {
        return NAME;
    }

    @Override
    Path lockFile(String owner) {
        return root.resolve(".lock");
    }

    Path chunk(String sha256) {
        return root.resolve(CHUNKS).resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    @Override
    Stored store(Path incoming, List<StagedFile> files) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[CHUNK];
        Set<Path> touched = new LinkedHashSet<>();
        List<Manifest.Entry> entries = new ArrayList<>(files.size());
        long stored = 0;
        for (StagedFile f : files) {
            Path file = incoming.resolve(DATA).resolve(f.relative());
            CRC32C crc = new CRC32C();
            List<String> chunks = new ArrayList<>();
            try (InputStream in = Files.newInputStream(file)) {
                int length;
                while ((length = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                    crc.update(buffer, 0, length);
                    sha.update(buffer, 0, length);
                    String name = HexFormat.of().formatHex(sha.digest());
                    chunks.add(name);
                    Path target = chunk(name);
                    if (!Files.exists(target)) {
                        byte[] raw = length == CHUNK ? buffer : java.util.Arrays.copyOf(buffer, length);
                        byte[] packed = Zstd.compress(raw, LEVEL);
                        guard(packed.length);
                        Files.createDirectories(target.getParent());
                        Path temporary = target.resolveSibling(".tmp-" + name);
                        StoreFiles.writeDurably(temporary, packed);
                        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        touched.add(target.getParent());
                        stored += packed.length;
                    }
                }
            }
            f.requireUnchanged(file);
            entries.add(new Manifest.Entry(f.relative(), f.size(), (int) crc.getValue(), chunks));
        }
        for (Path dir : touched) {
            StoreFiles.forceDirectory(dir);
        }
        if (!touched.isEmpty()) {
            StoreFiles.forceDirectory(root.resolve(CHUNKS));
        }
        return new Stored(entries, stored);
    }

    /** The chunks hold the files now: the checkpoint is its manifest. */
    @Override
    void sealed(Path directory) {
        try {
            StoreFiles.deleteTree(directory.resolve(DATA));
        } catch (IOException e) {
            // only space: nothing reads a chunked checkpoint's data directory
        }
    }

    @Override
    String verifyData(Path directory, Manifest manifest) throws IOException {
        MessageDigest sha = sha256();
        for (Manifest.Entry e : manifest.files()) {
            CRC32C crc = new CRC32C();
            long left = e.size();
            if (e.chunks().size() != (e.size() + CHUNK - 1) / CHUNK) {
                return "file=" + e.path() + " has " + e.chunks().size() + " chunks for " + e.size() + " bytes";
            }
            for (String name : e.chunks()) {
                int length = (int) Math.min(CHUNK, left);
                byte[] raw = readChunk(name, length);
                if (raw == null || !HexFormat.of().formatHex(sha.digest(raw)).equals(name)) {
                    quarantineChunk(name);
                    return "file=" + e.path() + ": chunk " + name + (raw == null ? " is missing or does not decompress"
                            : " does not match its SHA-256") + " (moved aside; the next commit writes it again)";
                }
                crc.update(raw);
                left -= length;
            }
            if ((int) crc.getValue() != e.crc32c()) {
                return "file=" + e.path() + " has CRC-32C " + Manifest.hex((int) crc.getValue()) + ", its manifest says "
                        + Manifest.hex(e.crc32c());
            }
        }
        return null;
    }

    @Override
    Path openData(Path directory, Manifest manifest, Path scratch) throws IOException {
        Path out = scratch.resolve(directory.getParent().getFileName() + "-" + directory.getFileName());
        StoreFiles.deleteTree(out);
        for (Manifest.Entry e : manifest.files()) {
            Path file = out.resolve(e.path());
            Files.createDirectories(file.getParent());
            long left = e.size();
            try (OutputStream os = Files.newOutputStream(file)) {
                for (String name : e.chunks()) {
                    int length = (int) Math.min(CHUNK, left);
                    byte[] raw = readChunk(name, length);
                    if (raw == null) {
                        throw new IOException("chunk " + name + " of file " + e.path() + " is missing or damaged");
                    }
                    os.write(raw);
                    left -= length;
                }
            }
        }
        return out;
    }

    /** Sweeps the chunks that no committed manifest names any more (and temporary files a crash left). */
    @Override
    void afterRemove() throws IOException {
        Set<String> named = new HashSet<>();
        try (Stream<Path> owners = Files.list(root)) {
            for (Path owner : (Iterable<Path>) owners::iterator) {
                if (owner.getFileName().toString().startsWith(".") || !Files.isDirectory(owner)) {
                    continue;
                }
                for (long number : numbers(owner)) {
                    try {
                        Manifest m = Manifest.decode(Files.readAllBytes(owner.resolve(name(number)).resolve(Manifest.NAME)));
                        m.files().forEach(f -> named.addAll(f.chunks()));
                    } catch (IllegalArgumentException e) {
                        // a damaged manifest names nothing it can be trusted for
                    }
                }
            }
        }
        Path chunks = root.resolve(CHUNKS);
        if (!Files.isDirectory(chunks)) {
            return;
        }
        try (Stream<Path> files = Files.walk(chunks)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!named.contains(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A chunk's bytes, or null when it is missing or does not decompress to {@code length} bytes. */
    private byte[] readChunk(String name, int length) throws IOException {
        Path file = chunk(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] raw = Zstd.decompress(Files.readAllBytes(file), length);
            return raw.length == length ? raw : null;
        } catch (ZstdException | IllegalArgumentException e) {
            return null;
        }
    }

    private void quarantineChunk(String name) throws IOException {
        Path file = chunk(name);
        try (ExclusiveFileLock ignored = lock(null)) {
            if (!Files.exists(file)) {
                return;
            }
            Path aside = root.resolve(QUARANTINE + "-chunks").resolve(name);
            Files.createDirectories(aside.getParent());
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
