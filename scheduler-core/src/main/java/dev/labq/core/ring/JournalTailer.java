package dev.labq.core.ring;

import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Feeds the ring from the journal: every entry after the views' last applied index, in order, whoever
 * appended it (this scheduler, CLI processes, embedded clients). Publishes {@link RingEvent.Kind#CAUGHT_UP}
 * once, the first time it finds no more entries.
 *
 * <p>When idle it polls with a short park that grows to 1 ms: submissions reach the decision stage within
 * about a millisecond at ~0% CPU.
 */
public final class JournalTailer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalTailer.class);
    private static final long SHORT_PARK_NANOS = 50_000;
    private static final long LONG_PARK_NANOS = 1_000_000;

    private final Journal journal;
    private final long afterIndex;
    private final Ring ring;
    private final Consumer<Throwable> onFailure;
    private final Thread thread;
    private volatile boolean stopping;
    /** Entries up to this index are still published after {@link #stop()}: what was journaled before it. */
    private volatile long drainUntil = Long.MAX_VALUE;

    public JournalTailer(Journal journal, long afterIndex, Ring ring, Consumer<Throwable> onFailure) {
        this.journal = journal;
        this.afterIndex = afterIndex;
        this.ring = ring;
        this.onFailure = onFailure;
        this.thread = new Thread(this, "labq-tailer");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void run() {
        boolean caughtUp = false;
        int idle = 0;
        try (JournalReader reader = journal.reader(afterIndex)) {
            while (true) {
                JournalEntry entry = reader.next();
                if (entry != null) {
                    ring.publish(entry);
                    idle = 0;
                    if (stopping && entry.index() >= drainUntil) {
                        return;
                    }
                    continue;
                }
                if (stopping) {
                    return;
                }
                if (!caughtUp) {
                    ring.publish(RingEvent.Kind.CAUGHT_UP);
                    caughtUp = true;
                }
                LockSupport.parkNanos(++idle < 200 ? SHORT_PARK_NANOS : LONG_PARK_NANOS);
            }
        } catch (RuntimeException e) {
            LOG.error("journal tailer stopped: {}", e.toString(), e);
            onFailure.accept(e);
        }
    }

    /** Publishes what the journal holds now, then stops tailing; waits for the thread to end. */
    public void stop() {
        drainUntil = journal.lastIndex();
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
