package dev.labq.core.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.labq.store.JournalEntry;

/**
 * The Disruptor ring between the publishers (journal tailer, socket and API clients, ticker) and the one
 * decision thread.
 *
 * <pre>
 *   journal tailer --\
 *   clients ---------+--&gt; [ ring of RingEvent ] --&gt; decision stage (one thread)
 *   ticker ---------/
 * </pre>
 *
 * Blocking wait strategy: on a 2-core box it idles at ~0% CPU and still answers in tens of microseconds
 * (FACTS.md). Publishing is thread-safe (multi-producer).
 */
public final class Ring {
    private static final int SIZE = 1 << 16;
    /** The name of the one thread that runs the decision stage. */
    public static final String DECISION_THREAD = "labq-decision";

    private final Disruptor<RingEvent> disruptor;
    private final RingBuffer<RingEvent> buffer;
    private volatile Thread decisionThread;

    public Ring(EventHandler<RingEvent> handler, ExceptionHandler<RingEvent> errors) {
        disruptor = new Disruptor<>(RingEvent::new, SIZE, r -> {
            Thread t = new Thread(r, DECISION_THREAD);
            t.setDaemon(true);
            decisionThread = t;
            return t;
        }, ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith(handler);
        disruptor.setDefaultExceptionHandler(errors);
        buffer = disruptor.start();
    }

    public void publish(JournalEntry entry) {
        buffer.publishEvent((event, sequence, e) -> event.journal(e), entry);
    }

    public void publish(Command command) {
        buffer.publishEvent((event, sequence, c) -> event.command(c), command);
    }

    public void publish(RingEvent.Kind signal) {
        buffer.publishEvent((event, sequence, k) -> event.signal(k), signal);
    }

    /**
     * Waits until every published event is handled, then stops the decision thread and waits for it to end: the
     * handler's {@code onShutdown} (which writes the views still owed) is over when this returns.
     */
    public void shutdown() {
        disruptor.shutdown();
        Thread thread = decisionThread;
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the views must not close under it: wait on, then pass the interrupt on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
