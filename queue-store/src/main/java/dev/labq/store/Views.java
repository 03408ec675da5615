package dev.labq.store;

import dev.labq.store.view.ChronicleViews;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The persisted views folded from the journal: jobs, allocations, usage, devices out of service, and meta (the last applied
 * journal index and the view format).
 *
 * <p>Assumptions and guarantees: exactly one writer (the process holding {@code scheduler.lock}) updates
 * them; readers in other processes see each put as soon as it returns. A writer that dies may leave a
 * segment lock taken, so the next writer recovers the files exclusively before use
 * ({@link #openForWriter}); a reader must not open views that {@link #needRecovery} says are dirty
 * unless a live writer holds the scheduler lock.
 */
public interface Views extends AutoCloseable {

    /** Bump when the meaning of a view's values changes; views of another format are rebuilt. 2: devices. */
    int FORMAT_VERSION = 2;

    /**
     * Opens the views for the one writer, recovering them first when the previous writer did not close
     * them cleanly, and wiping them when they are of another format (the caller then replays the journal).
     * The caller must hold the scheduler lock.
     */
    static Views openForWriter(Path directory, long expectedJobs) {
        return ChronicleViews.open(directory, expectedJobs, true);
    }

    /** Opens the views to read while a writer may be updating them. */
    static Views openForReader(Path directory) {
        return ChronicleViews.open(directory, 0, false);
    }

    /** True when views exist in {@code directory}. */
    static boolean exist(Path directory) {
        return Files.exists(directory.resolve(ChronicleViews.META_FILE));
    }

    /** True when the last writer of {@code directory} did not close it cleanly. */
    static boolean needRecovery(Path directory) {
        return Files.exists(directory.resolve(ChronicleViews.WRITER_MARKER));
    }

    /** Job id to the job's folded state. */
    KeyValueView<Long> jobs();

    /** Job id to the resources it holds while it runs. */
    KeyValueView<Long> allocations();

    /** Project or user key to accumulated usage. */
    KeyValueView<String> usage();

    /** GPU device id to its state when out of service (drained, failed); a device not here is in service. */
    KeyValueView<Long> devices();

    /** The journal index of the last entry folded into these views, or {@link Journal#BEFORE_FIRST}. */
    long lastAppliedIndex();

    void lastAppliedIndex(long index);

    /**
     * True while a rebuild from the journal is under way: set before the views are emptied, cleared when the
     * fold reaches the end of the journal. Views left with it set were cut off mid-rebuild and must be
     * rebuilt again; their last applied index says nothing about what a scheduler did.
     */
    boolean rebuildInProgress();

    void rebuildInProgress(boolean inProgress);

    /** What opening did: nothing special, a recovery after an unclean stop, or a wipe for a new format. */
    OpenOutcome openOutcome();

    /** Empties every view and resets the last applied index (before a full replay). */
    void clear();

    @Override
    void close();

    /** How the views were found at open. */
    enum OpenOutcome { CLEAN, RECOVERED, CREATED, WIPED_FOR_FORMAT }
}
