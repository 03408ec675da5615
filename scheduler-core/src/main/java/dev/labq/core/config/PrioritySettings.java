package dev.labq.core.config;

import dev.labq.core.domain.InvalidInputException;

/**
 * The multifactor priority's settings (Slurm's PriorityWeight*, PriorityMaxAge, PriorityDecayHalfLife and
 * PriorityCalcPeriod are the model). Each factor is a value in [0, 1]; the priority is the sum of
 * weight x value, so weights say how many priority points a factor is worth at most.
 *
 * @param weights                  one weight per factor
 * @param maxAgeHours              waiting this long gives the full age factor (the cap)
 * @param deadlineHalfLifeMinutes  the deadline factor halves for every this much slack (1 at no slack)
 * @param usageHalfLifeHours       past usage counts half after this long (fair share forgets)
 * @param recomputeSeconds         the longest a job's deadline urgency goes without being computed afresh (age
 *                                 is exact at every decision; usage and changes apply at once regardless)
 * @param billing                  how CPU-seconds and GPU-seconds add up to the usage fair share compares
 * @param deadlineResolution       priority points: a job whose deadline urgency rises by less than this in
 *                                 a period is refreshed when it has risen by this much instead (Slurm's
 *                                 priorities are whole points); 0 refreshes every one each period
 */
public record PrioritySettings(Weights weights, Double maxAgeHours, Double deadlineHalfLifeMinutes,
                               Double usageHalfLifeHours, Integer recomputeSeconds, Billing billing,
                               Double deadlineResolution) {
    public static final PrioritySettings DEFAULTS = new PrioritySettings(null, null, null, null, null, null, null);

    public PrioritySettings {
        // Not Weights.DEFAULTS: when Weights initialises first, it initialises this class before its own DEFAULTS exist.
        weights = weights == null ? new Weights(null, null, null, null, null, null, null) : weights;
        billing = billing == null ? new Billing(null, null) : billing;
        maxAgeHours = positive("maxAgeHours", maxAgeHours, 168.0);
        deadlineHalfLifeMinutes = positive("deadlineHalfLifeMinutes", deadlineHalfLifeMinutes, 60.0);
        usageHalfLifeHours = positive("usageHalfLifeHours", usageHalfLifeHours, 168.0);
        recomputeSeconds = recomputeSeconds == null ? 60 : recomputeSeconds;
        if (recomputeSeconds < 1) {
            throw new InvalidInputException("recomputeSeconds", recomputeSeconds, "use 1 or more seconds");
        }
        deadlineResolution = deadlineResolution == null ? 1.0 : deadlineResolution;
        if (!(deadlineResolution >= 0) || deadlineResolution > 1e6) {
            throw new InvalidInputException("deadlineResolution", deadlineResolution,
                    "use priority points from 0 (refresh every period) to 1000000");
        }
    }

    /** The settings without a deadline resolution given (the default, 1 point). */
    public PrioritySettings(Weights weights, Double maxAgeHours, Double deadlineHalfLifeMinutes,
                            Double usageHalfLifeHours, Integer recomputeSeconds, Billing billing) {
        this(weights, maxAgeHours, deadlineHalfLifeMinutes, usageHalfLifeHours, recomputeSeconds, billing, null);
    }

    private static double positive(String field, Double value, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidInputException(field, value, "use a positive number");
        }
        return value;
    }

    static double weight(String field, Double value, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value >= 0) || value > 1e9) {
            throw new InvalidInputException(field, value, "use a weight from 0 (factor off) to 1000000000");
        }
        return value;
    }

    /**
     * Weights of the factors. With the defaults, fair share outweighs importance, age and the user factor
     * together at half its range, which is what keeps every project with a share from starving (see README).
     */
    public record Weights(Double importance, Double deadline, Double age, Double fairshare, Double fairshareUser,
                          Double size, Double nice) {
        public static final Weights DEFAULTS = new Weights(null, null, null, null, null, null, null);

        public Weights {
            importance = weight("importance", importance, 1000);
            deadline = weight("deadline", deadline, 4000);
            age = weight("age", age, 200);
            fairshare = weight("fairshare", fairshare, 3000);
            fairshareUser = weight("fairshareUser", fairshareUser, 200);
            size = weight("size", size, 0);
            nice = weight("nice", nice, 1000);
        }
    }

    /** Usage units: a CPU-second counts {@code cpu}, a GPU-second {@code gpu}. */
    public record Billing(Double cpu, Double gpu) {
        public static final Billing DEFAULTS = new Billing(null, null);

        public Billing {
            cpu = weight("cpu", cpu, 1);
            gpu = weight("gpu", gpu, 16);
        }
    }
}
