package dev.labq.core.policy.predict;

import dev.labq.core.domain.JobSpec;

/**
 * How long a job will run, for deadline slack and planning. Called on the decision thread; no I/O.
 * The first one is the user's own estimate, the time limit; one that learns from history replaces it.
 */
@FunctionalInterface
public interface RuntimePredictor {

    /** Predicted run time in seconds, or -1 when nothing is known. */
    long predictSeconds(JobSpec spec);

    /** The time limit is the prediction. */
    static RuntimePredictor timeLimit() {
        return spec -> spec.timeLimitSeconds() == null ? -1 : spec.timeLimitSeconds();
    }
}
