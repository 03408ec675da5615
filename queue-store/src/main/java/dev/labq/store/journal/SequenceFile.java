package dev.labq.store.journal;

import dev.labq.store.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A counter in an 8-byte file, advanced under an exclusive file lock.
 *
 * <p>Assumptions and guarantees: processes meet at the OS file lock; threads of one JVM meet at the shared
 * instance's monitor first, because the JVM forbids overlapping locks on one file. One JVM opens each file
 * once (instances are shared and reference-counted) because on Linux closing any channel of a file drops
 * the process's lock on it. The counter is written before the caller's action runs, so a process that
 * dies mid-action leaves a gap, never a duplicate.
 */
final class SequenceFile implements AutoCloseable {
    private static final Map<Path, SequenceFile> OPEN = new HashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
    private int references;

    private SequenceFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static SequenceFile open(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        synchronized (OPEN) {
            SequenceFile shared = OPEN.get(absolute);
            if (shared == null) {
                try {
                    shared = new SequenceFile(absolute, FileChannel.open(absolute, StandardOpenOption.CREATE,
                            StandardOpenOption.READ, StandardOpenOption.WRITE));
                } catch (IOException e) {
                    throw new StoreException("sequence=" + absolute + " cannot be opened (" + e.getMessage()
                            + "); check the permissions of the labq home", e);
                }
                OPEN.put(absolute, shared);
            }
            shared.references++;
            return shared;
        }
    }

    /** Takes the next number (the first is 1) and runs {@code action} with it while still holding the lock. */
    synchronized <T> T withNext(LongFunction<T> action) {
        try (FileLock ignored = channel.lock()) {
            long next = read() + 1;
            write(next);
            return action.apply(next);
        } catch (IOException e) {
            throw new StoreException("sequence=" + path + " cannot be advanced (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Takes the next {@code count} numbers at once (a block: the first and the ones after it), all under the
     * lock: {@code prepare} makes something for the first, then the numbers are taken, then {@code commit} uses
     * it. When {@code prepare} throws, no number is taken.
     */
    synchronized <P, T> T withNextBlock(int count, LongFunction<P> prepare, Function<P, T> commit) {
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + ": a block holds at least one number");
        }
        try (FileLock ignored = channel.lock()) {
            long first = read() + 1;
            P prepared = prepare.apply(first);
            write(first + count - 1);
            return commit.apply(prepared);
        } catch (IOException e) {
            throw new StoreException("sequence=" + path + " cannot be advanced (" + e.getMessage() + ")", e);
        }
    }

    synchronized void atLeast(long number) {
        try (FileLock ignored = channel.lock()) {
            if (read() < number) {
                write(number);
            }
        } catch (IOException e) {
            throw new StoreException("sequence=" + path + " cannot be raised (" + e.getMessage() + ")", e);
        }
    }

    private long read() throws IOException {
        buffer.clear();
        int n = channel.read(buffer, 0);
        return n < Long.BYTES ? 0 : buffer.getLong(0);
    }

    private void write(long value) throws IOException {
        buffer.clear();
        buffer.putLong(0, value);
        channel.write(buffer, 0);
    }

    /** Drops one reference; the last one closes the file (waiting for an append in progress to finish). */
    @Override
    public void close() {
        synchronized (OPEN) {
            if (--references > 0) {
                return;
            }
            OPEN.remove(path);
        }
        synchronized (this) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new StoreException("sequence=" + path + " cannot be closed (" + e.getMessage() + ")", e);
            }
        }
    }
}
