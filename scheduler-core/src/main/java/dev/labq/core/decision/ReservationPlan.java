package dev.labq.core.decision;

import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Resources;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A plan of the future, for estimated starts: the machine's free capacity over time as running jobs reach
 * their time limits, with jobs placed one by one in priority order at the earliest time they fit for their
 * whole time limit (conservative backfilling's profile). Jobs without a limit hold what they take forever.
 * An estimate, not a promise: jobs usually end before their limits, and EASY may start jobs earlier.
 */
final class ReservationPlan {
    /** Jobs ahead beyond which no estimate is made: each placement costs O(steps). */
    static final int MAX_PLANNED = 500;

    /** Free capacity from each key's time until the next key's. */
    private final TreeMap<Long, Capacity> steps = new TreeMap<>();
    private final long nowMillis;

    ReservationPlan(Capacity freeNow, long nowMillis) {
        this.nowMillis = nowMillis;
        steps.put(nowMillis, freeNow);
    }

    /** A running job gives back {@code allocation} at {@code atMillis} (never when {@code Long.MAX_VALUE}). */
    void releaseAt(long atMillis, Allocation allocation) {
        if (atMillis == Long.MAX_VALUE) {
            return;
        }
        for (Capacity free : from(Math.max(atMillis, nowMillis)).values()) {
            free.add(allocation);
        }
    }

    /** Places a job at the earliest time it fits for its whole limit; returns that time, or {@code Long.MAX_VALUE}. */
    long place(Resources request, Long limitSeconds) {
        for (long start : steps.keySet()) {
            long end = limitSeconds == null ? Long.MAX_VALUE : saturatedAdd(start, limitSeconds * 1000);
            if (fitsThroughout(request, start, end)) {
                split(end);
                for (Capacity free : from(start).headMap(end, false).values()) {
                    free.subtract(request);
                }
                return start;
            }
        }
        return Long.MAX_VALUE;
    }

    private boolean fitsThroughout(Resources request, long start, long end) {
        for (Map.Entry<Long, Capacity> step : steps.tailMap(start, true).entrySet()) {
            if (step.getKey() >= end) {
                break;
            }
            if (!step.getValue().fits(request)) {
                return false;
            }
        }
        return true;
    }

    /** The steps from {@code atMillis} on, with a step starting exactly there. */
    private NavigableMap<Long, Capacity> from(long atMillis) {
        split(atMillis);
        return steps.tailMap(atMillis, true);
    }

    private void split(long atMillis) {
        if (atMillis != Long.MAX_VALUE && !steps.containsKey(atMillis)) {
            steps.put(atMillis, steps.floorEntry(atMillis).getValue().copy());
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }
}
