package dev.labq.core.policy.priority;

import java.util.ArrayList;
import java.util.List;

/**
 * A pending job's priority: a value, higher runs first, and the named factors it is the sum of. Jobs of equal
 * value are ordered by {@code tiebreak} (lower first), then by submission time, then by id.
 *
 * @param tiebreak a policy's own secondary key (the first policy's deadline); 0 for most
 */
public record Priority(double value, long tiebreak, List<Factor> factors) {

    public Priority {
        factors = List.copyOf(factors);
    }

    /** A priority that is the sum of {@code factors}' contributions. */
    public static Priority sumOf(List<Factor> factors) {
        double sum = 0;
        for (Factor f : factors) {
            sum += f.contribution();
        }
        return new Priority(sum, 0, factors);
    }

    /**
     * One factor: its value (normalised to [0, 1]), its weight, and the contribution weight x value (negative
     * for a factor that lowers priority, such as nice).
     *
     * @param perAccount the value depends only on the job's project and user (fair share), so it is the same
     *                   for all their jobs and changes for all of them at once
     * @param detail     what the value was computed from, for people ({@code "slack 40m"})
     */
    public record Factor(String name, double value, double weight, double contribution, boolean perAccount, String detail) {
        public static Factor of(String name, double value, double weight, String detail) {
            return new Factor(name, value, weight, weight * value, false, detail);
        }

        public static Factor lowering(String name, double value, double weight, String detail) {
            return new Factor(name, value, weight, -weight * value, false, detail);
        }

        public static Factor perAccount(String name, double value, double weight, String detail) {
            return new Factor(name, value, weight, weight * value, true, detail);
        }
    }

    /** The part of the value that is the same for every job of the project and user. */
    public double accountPart() {
        double sum = 0;
        for (Factor f : factors) {
            if (f.perAccount()) {
                sum += f.contribution();
            }
        }
        return sum;
    }

    /** A one-line account of the factors: {@code importance 500 + age 12.5 + fairshare 1500.0 = 2012.5}. */
    public String explain() {
        if (factors.isEmpty()) {
            return String.format(java.util.Locale.ROOT, "priority %.1f", value);
        }
        List<String> parts = new ArrayList<>(factors.size());
        for (Factor f : factors) {
            parts.add(String.format(java.util.Locale.ROOT, "%s %.1f", f.name(), f.contribution()));
        }
        return String.join(" + ", parts).replace("+ -", "- ") + String.format(java.util.Locale.ROOT, " = %.1f", value);
    }
}
