package dev.labq.store.testkit;

import dev.labq.store.Journal;
import dev.labq.store.Views;
import dev.labq.store.lock.ExclusiveFileLock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The other process in cross-process tests, started by {@link ChildJvm}. Modes:
 * <ul>
 *   <li>{@code append-numbered <journalDir> <sequenceFile> <count>}: opens, prints READY, waits for a line
 *       on stdin, appends {@code count} numbered records, prints DONE.</li>
 *   <li>{@code append-forever <journalDir> <sequenceFile>}: appends numbered records until killed, printing
 *       APPENDING after the first one.</li>
 *   <li>{@code hold-lock <file>}: takes the lock, prints READY (or REFUSED), and holds it until killed or stdin closes.</li>
 *   <li>{@code hold-views <viewsDir>}: opens views for writing, puts known entries, prints READY, holds them open
 *       until killed.</li>
 * </ul>
 */
public final class StoreChild {
    /** The entries {@code hold-views} writes, for the parent to check after a kill. */
    public static final long VIEW_JOB_ID = 42L;
    public static final byte[] VIEW_JOB_VALUE = "running on gpu0".getBytes(StandardCharsets.UTF_8);
    public static final long VIEW_LAST_APPLIED = 1234L;

    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        switch (args[0]) {
            case "append-numbered" -> {
                try (Journal journal = Journal.open(Path.of(args[1]), Path.of(args[2]))) {
                    int count = Integer.parseInt(args[3]);
                    say("READY");
                    stdin.readLine();
                    for (int i = 0; i < count; i++) {
                        journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
                    }
                }
                say("DONE");
            }
            case "append-forever" -> {
                Journal journal = Journal.open(Path.of(args[1]), Path.of(args[2]));
                journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
                say("APPENDING");
                while (true) {
                    journal.appendNumbered(1, 1, 0L, StoreChild::payloadFor);
                }
            }
            case "hold-lock" -> {
                var lock = ExclusiveFileLock.tryAcquire(Path.of(args[1]));
                say(lock.isPresent() ? "READY" : "REFUSED");
                stdin.readLine();
            }
            case "hold-views" -> {
                Views views = Views.openForWriter(Path.of(args[1]), 0);
                views.jobs().put(VIEW_JOB_ID, VIEW_JOB_VALUE);
                views.lastAppliedIndex(VIEW_LAST_APPLIED);
                say("READY");
                stdin.readLine();
            }
            default -> throw new IllegalArgumentException("mode=" + args[0] + " is not one of append-numbered, "
                    + "append-forever, hold-lock, hold-views");
        }
    }

    /** The payload of a numbered test record: the number, so a reader can check it matches. */
    public static byte[] payloadFor(long number) {
        return ByteBuffer.allocate(Long.BYTES).putLong(number).array();
    }

    public static long numberIn(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong();
    }

    private static void say(String word) {
        System.out.println(word);
        System.out.flush();
    }
}
