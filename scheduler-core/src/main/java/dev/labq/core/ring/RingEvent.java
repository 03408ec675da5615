package dev.labq.core.ring;

import dev.labq.store.JournalEntry;

/**
 * One preallocated slot of the ring, mutated in place by publishers: either a journal entry read by the
 * tailer, a client command, a clock tick, or the marker that the tailer has caught up with the journal.
 */
public final class RingEvent {
    /** What a slot carries. */
    public enum Kind { JOURNAL, COMMAND, TICK, CAUGHT_UP }

    private Kind kind;
    private JournalEntry entry;
    private Command command;

    public Kind kind() { return kind; }
    public JournalEntry entry() { return entry; }
    public Command command() { return command; }

    void journal(JournalEntry value) {
        kind = Kind.JOURNAL;
        entry = value;
        command = null;
    }

    void command(Command value) {
        kind = Kind.COMMAND;
        entry = null;
        command = value;
    }

    void signal(Kind value) {
        kind = value;
        entry = null;
        command = null;
    }

    /** Drops references once handled so the ring does not keep garbage alive. */
    public void clear() {
        entry = null;
        command = null;
    }
}
