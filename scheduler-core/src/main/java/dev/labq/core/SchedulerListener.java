package dev.labq.core;

import dev.labq.core.state.JobChange;

/**
 * Hooks for programs that embed labq: called on the decision thread after each change is journaled and
 * folded. Keep them quick; an exception thrown here is logged and does not stop scheduling.
 */
public interface SchedulerListener {

    /** A job changed: created, held, started, finished... {@code change.before()} is null for a new job. */
    void jobChanged(JobChange change);
}
