package dev.labq.core.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Parses the time values users type: Slurm-style time limits and deadlines. */
public final class TimeSpecs {
    private TimeSpecs() {
    }

    /**
     * A time limit in Slurm's forms: {@code M}, {@code M:S}, {@code H:M:S}, {@code D-H}, {@code D-H:M},
     * {@code D-H:M:S}; returns seconds.
     */
    public static long parseTimeLimitSeconds(String text) {
        String t = text.trim();
        try {
            long days = 0;
            int dash = t.indexOf('-');
            if (dash >= 0) {
                days = number(t.substring(0, dash));
                String[] hms = t.substring(dash + 1).split(":", -1);
                if (hms.length > 3) {
                    throw bad(text);
                }
                long h = number(hms[0]);
                long m = hms.length > 1 ? number(hms[1]) : 0;
                long s = hms.length > 2 ? number(hms[2]) : 0;
                return positive(text, ((days * 24 + h) * 60 + m) * 60 + s);
            }
            String[] parts = t.split(":", -1);
            return switch (parts.length) {
                case 1 -> positive(text, number(parts[0]) * 60);
                case 2 -> positive(text, number(parts[0]) * 60 + number(parts[1]));
                case 3 -> positive(text, (number(parts[0]) * 60 + number(parts[1])) * 60 + number(parts[2]));
                default -> throw bad(text);
            };
        } catch (NumberFormatException e) {
            throw bad(text);
        }
    }

    /** A duration as {@code 90s}, {@code 30m}, {@code 2h} or {@code 1d} (a bare number is seconds); returns seconds. */
    public static long parseDurationSeconds(String text, String field) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = t.endsWith("d") ? 86_400 : t.endsWith("h") ? 3600 : t.endsWith("m") ? 60 : 1;
        boolean suffixed = t.endsWith("s") || t.endsWith("m") || t.endsWith("h") || t.endsWith("d");
        String digits = suffixed ? t.substring(0, t.length() - 1) : t;
        try {
            long value = Long.parseLong(digits);
            if (value >= 1 && value <= 365L * 86_400 / unit) {
                return value * unit;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new InvalidInputException(field, text, "give a positive duration such as 90s, 30m, 2h or 1d");
    }

    /**
     * A deadline: an ISO instant ({@code 2026-12-01T12:00:00Z}), a local date-time
     * ({@code 2026-12-01T12:00}) in {@code zone}, or a relative {@code +90m}, {@code +2h}, {@code +3d}.
     */
    public static long parseDeadlineMillis(String text, long nowMillis, ZoneId zone) {
        String t = text.trim();
        if (t.startsWith("+") && t.length() > 2) {
            long unit = switch (t.charAt(t.length() - 1)) {
                case 's' -> 1_000L;
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                case 'd' -> 86_400_000L;
                default -> throw badDeadline(text);
            };
            try {
                long n = number(t.substring(1, t.length() - 1));
                return nowMillis + n * unit;
            } catch (NumberFormatException e) {
                throw badDeadline(text);
            }
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not an instant; try a local date-time next
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw badDeadline(text);
        }
    }

    /** A field of digits only: Long.parseLong alone would take a sign, so "1--2" would pass as a limit. */
    private static long number(String field) {
        if (field.isEmpty() || !field.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(field);
        }
        return Long.parseLong(field);
    }

    private static long positive(String text, long seconds) {
        if (seconds <= 0) {
            throw bad(text);
        }
        return seconds;
    }

    private static InvalidInputException bad(String text) {
        return new InvalidInputException("time", text, "use minutes, M:S, H:M:S or D-H:M:S, for example 30 or 1:30:00");
    }

    private static InvalidInputException badDeadline(String text) {
        return new InvalidInputException("deadline", text, "use 2026-12-01T12:00, 2026-12-01T12:00:00Z or +2h");
    }
}
