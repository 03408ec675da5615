package dev.labq.core.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The hook through which dedup {@code project} reuses earlier work: given a task key, the still-valid earlier
 * result of the same project with that key (how the integrator names it, for example the job id that produced
 * it), or empty. The planner asks it once per unique task key, on the planning thread; it must not change
 * while one plan is made, or the plan would not be a function of its inputs.
 */
@FunctionalInterface
public interface PriorResults {
    /** The earlier result with {@code taskKey}, if one is still valid. */
    Optional<String> find(String taskKey);

    /** No earlier results: every task runs. */
    static PriorResults none() {
        return key -> Optional.empty();
    }

    /** The results in {@code byTaskKey} (a snapshot is taken). */
    static PriorResults of(Map<String, String> byTaskKey) {
        Map<String, String> copy = Map.copyOf(byTaskKey);
        return key -> Optional.ofNullable(copy.get(key));
    }

    /** Adapts a plain function. */
    static PriorResults from(Function<String, Optional<String>> lookup) {
        return lookup::apply;
    }
}
