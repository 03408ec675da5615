package dev.labq.store.lock;

import dev.labq.store.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OS file lock held for as long as this object is open, with the holder's pid written into the file
 * so a refused process can say who holds it.
 *
 * <p>Assumptions and guarantees: the OS drops the lock when the holder dies (even by kill -9), so a stale
 * lock from a killed process never blocks the next one; the pid left in the file is only informative.
 * On Linux, closing <em>any</em> channel of a file drops every lock this process holds on it, so files
 * this JVM has locked are answered from a registry and never opened again while held.
 */
public final class ExclusiveFileLock implements AutoCloseable {
    private static final Map<Path, ExclusiveFileLock> HELD_HERE = new ConcurrentHashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private ExclusiveFileLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns empty when another process (or this one) holds it. */
    public static Optional<ExclusiveFileLock> tryAcquire(Path file) {
        Path path = file.toAbsolutePath().normalize();
        synchronized (HELD_HERE) {
            if (HELD_HERE.containsKey(path)) {
                return Optional.empty();
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                    return Optional.empty();
                }
                byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
                ExclusiveFileLock held = new ExclusiveFileLock(path, channel, lock);
                HELD_HERE.put(path, held);
                return Optional.of(held);
            } catch (IOException | OverlappingFileLockException e) {
                closeQuietly(channel);
                throw new StoreException("lock=" + path + " cannot be opened (" + e.getMessage()
                        + "); check that the labq home is writable", e);
            }
        }
    }

    /**
     * Takes the lock, waiting while another process or thread holds it (a short poll: the holders this serves
     * keep it for one store operation); a {@link StoreException} after {@code timeout}.
     */
    public static ExclusiveFileLock acquire(Path file, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ExclusiveFileLock> lock = tryAcquire(file);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (System.nanoTime() > deadline) {
                throw new StoreException("lock=" + file + " is held by pid " + holderPid(file) + " for longer than "
                        + timeout.toSeconds() + "s; wait for it to finish, or check that process");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while waiting for lock=" + file, e);
            }
        }
    }

    /** Whether some process holds the lock on {@code file} right now (false if the file is absent). */
    public static boolean isHeld(Path file) {
        Path path = file.toAbsolutePath().normalize();
        synchronized (HELD_HERE) {
            if (HELD_HERE.containsKey(path)) {
                return true;
            }
            if (!Files.exists(path)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe = channel.tryLock();
                if (probe == null) {
                    return true;
                }
                probe.release();
                return false;
            } catch (IOException e) {
                throw new StoreException("lock=" + path + " cannot be probed (" + e.getMessage() + ")", e);
            }
        }
    }

    /** The pid the last holder wrote into {@code file}, or -1 when unknown. */
    public static long holderPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        synchronized (HELD_HERE) {
            if (HELD_HERE.remove(path, this)) {
                try {
                    lock.release();
                    channel.close();
                } catch (IOException e) {
                    throw new StoreException("lock=" + path + " cannot be released (" + e.getMessage() + ")", e);
                }
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }
}
