package dev.labq.core.pipeline;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Landseer's priority, exactly as its {@code PriorityScheduler} computes it:
 * {@code priority = dependency_level * 1000 - usage_counter}, where {@code dependency_level} is the number of the
 * task's direct dependencies and {@code usage_counter} the number of workflows that use it. Lower runs first;
 * among equal priorities the task seen first (lower plan index) runs first, as Python's stable sort over
 * Landseer's task list gives.
 *
 * <p>Examples (the seed's): no dependencies, in 5 workflows: -5; no dependencies, in 2: -2; one dependency, in 3:
 * 997; two dependencies, in 1: 1999. The formula is kept as it is, also where it stops separating levels: a
 * level-1 task used by 1,002 workflows gets -2 and runs before a level-0 task used by one (-1).
 *
 * <p>labq's own {@code PriorityPolicy} orders higher first; an adapter for it uses {@code -priority}.
 */
public final class LandseerPriorityPolicy {
    /** The name a pipeline gives it: {@code policy: landseer}. */
    public static final String NAME = PipelineSpec.POLICY_LANDSEER;
    /** How much one direct dependency weighs against one workflow of use. */
    public static final int LEVEL_WEIGHT = 1000;
    /** Lowest priority first, then lowest plan index. */
    public static final Comparator<PlannedTask> ORDER =
            Comparator.comparingInt(PlannedTask::priority).thenComparingInt(PlannedTask::index);

    private LandseerPriorityPolicy() {
    }

    /** {@code dependencyLevel * 1000 - usageCounter}. */
    public static int priority(int dependencyLevel, int usageCounter) {
        return Math.subtractExact(Math.multiplyExact(dependencyLevel, LEVEL_WEIGHT), usageCounter);
    }

    /** {@code tasks} in the order Landseer runs them when all are ready. */
    public static List<PlannedTask> order(Collection<PlannedTask> tasks) {
        return tasks.stream().sorted(ORDER).toList();
    }
}
