package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a job's retries ({@link JobSpec#retries()}) happen: which failed attempts are retried, and how long the
 * next one waits.
 *
 * @param backoff the wait before a retry, or null to retry at once
 * @param on      the failures that are retried, or null for any failure (a cancelled attempt never is)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetryPolicy(Backoff backoff, RetryOn on) {

    /** Whether an attempt that ended in {@code state} with {@code exitCode} (-1: none) is retried. */
    public boolean retries(JobState state, int exitCode) {
        if (state != JobState.FAILED && state != JobState.TIMEOUT) {
            return false;
        }
        return on == null || on.matches(state, exitCode);
    }

    /** The wait before retry {@code retry} (1 for the first) of job {@code job}; 0 without a backoff. */
    public long delayMillis(JobId job, int retry) {
        return backoff == null ? 0 : backoff.delayMillis(job, retry);
    }

    /**
     * {@code fixed:10s} (every retry waits 10 s) or {@code exp:10s:10m} (10 s, 20 s, 40 s... at most 10 min), each
     * wait given up to 10% of jitter either way, drawn from the job and the retry so a replay draws the same.
     */
    public record Backoff(boolean exponential, long baseSeconds, long maxSeconds) {
        private static final String FORM = "use fixed:DELAY or exp:FIRST:MAX, e.g. fixed:10s or exp:10s:10m (s, m, h)";

        public Backoff {
            if (baseSeconds < 1 || maxSeconds < baseSeconds) {
                throw new InvalidInputException("backoff", text(exponential, baseSeconds, maxSeconds), FORM);
            }
        }

        @JsonCreator
        public static Backoff parse(String text) {
            String[] parts = text == null ? new String[0] : text.strip().split(":");
            try {
                if (parts.length == 2 && parts[0].equals("fixed")) {
                    long delay = seconds(parts[1]);
                    return new Backoff(false, delay, delay);
                }
                if (parts.length == 3 && parts[0].equals("exp")) {
                    return new Backoff(true, seconds(parts[1]), seconds(parts[2]));
                }
            } catch (NumberFormatException e) {
                // the form's message below
            }
            throw new InvalidInputException("backoff", text, FORM);
        }

        private static long seconds(String text) {
            try {
                return TimeSpecs.parseDurationSeconds(text, "backoff");
            } catch (InvalidInputException e) {
                throw new NumberFormatException(text);
            }
        }

        long delayMillis(JobId job, int retry) {
            long seconds = baseSeconds;
            for (int i = 1; exponential && i < retry && seconds < maxSeconds; i++) {
                seconds *= 2;
            }
            double jitter = 0.9 + 0.2 * new SplittableRandom(job.value() * 1_000_003L + retry).nextDouble();
            return Math.round(Math.min(seconds, maxSeconds) * 1000 * jitter);
        }

        @JsonValue
        @Override
        public String toString() {
            return text(exponential, baseSeconds, maxSeconds);
        }

        private static String text(boolean exponential, long base, long max) {
            return exponential ? "exp:" + base + "s:" + max + "s" : "fixed:" + base + "s";
        }
    }

    /**
     * The failures that are retried: exit codes ({@code 1}, ranges {@code 2-9}), {@code timeout} (the time limit),
     * {@code signal} (killed by a signal, as the kernel's OOM killer does: exit codes above 128 or none). Written
     * comma-separated: {@code --retry-on 1,75,timeout}.
     */
    public record RetryOn(List<String> rules) {
        private static final String FORM = "list exit codes (1, 2-9), timeout or signal, comma-separated, e.g. 1,75,timeout";

        public RetryOn {
            rules = List.copyOf(rules);
            if (rules.isEmpty()) {
                throw new InvalidInputException("retry-on", "(none)", FORM);
            }
            for (String rule : rules) {
                if (!rule.equals("timeout") && !rule.equals("signal") && range(rule) == null) {
                    throw new InvalidInputException("retry-on", rule, FORM);
                }
            }
        }

        @JsonCreator
        public static RetryOn parse(String text) {
            List<String> rules = new ArrayList<>();
            for (String part : (text == null ? "" : text).split(",")) {
                if (!part.isBlank()) {
                    rules.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
            return new RetryOn(rules);
        }

        boolean matches(JobState state, int exitCode) {
            for (String rule : rules) {
                if (rule.equals("timeout") ? state == JobState.TIMEOUT
                        : rule.equals("signal") ? state == JobState.FAILED && (exitCode < 0 || exitCode > 128)
                        : state == JobState.FAILED && inRange(range(rule), exitCode)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean inRange(int[] range, int code) {
            return code >= range[0] && code <= range[1];
        }

        private static int[] range(String rule) {
            try {
                int dash = rule.indexOf('-', 1);
                int from = Integer.parseInt(dash < 0 ? rule : rule.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(rule.substring(dash + 1));
                return from >= 1 && to >= from && to <= 255 ? new int[]{from, to} : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @JsonValue
        @Override
        public String toString() {
            return String.join(",", rules);
        }
    }
}
