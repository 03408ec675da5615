package dev.labq.core.config;

import dev.labq.core.domain.InvalidInputException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The periods an allowance resets on: days, weeks or calendar months (in UTC) counted from an anchor, or one
 * period for all time. Pure arithmetic on epoch millis, so the fold of the journal stays deterministic.
 */
public record BudgetPeriod(Kind kind, long anchorMillis) {
    /** How long a period is. */
    public enum Kind { NONE, DAY, WEEK, MONTH }

    private static final long DAY_MILLIS = 86_400_000L;
    /** Monday 1970-01-05T00:00Z: weeks start on Mondays unless told otherwise. */
    private static final long FIRST_MONDAY = 4 * DAY_MILLIS;

    static BudgetPeriod of(String period, String start) {
        Kind kind = switch (period) {
            case "none" -> Kind.NONE;
            case "day" -> Kind.DAY;
            case "week" -> Kind.WEEK;
            case "month" -> Kind.MONTH;
            default -> throw new InvalidInputException("period", period, "use day, week, month or none");
        };
        long anchor = kind == Kind.WEEK ? FIRST_MONDAY : 0;
        if (start != null) {
            try {
                anchor = Instant.parse(start).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new InvalidInputException("periodStart", start, "use an ISO instant such as 2026-12-01T00:00:00Z");
            }
        }
        return new BudgetPeriod(kind, anchor);
    }

    /** The start of the period holding {@code millis}; {@link Long#MIN_VALUE} for {@link Kind#NONE}. */
    public long startOf(long millis) {
        return switch (kind) {
            case NONE -> Long.MIN_VALUE;
            case DAY -> anchorMillis + Math.floorDiv(millis - anchorMillis, DAY_MILLIS) * DAY_MILLIS;
            case WEEK -> anchorMillis + Math.floorDiv(millis - anchorMillis, 7 * DAY_MILLIS) * 7 * DAY_MILLIS;
            case MONTH -> monthStart(monthIndex(millis));
        };
    }

    /** The end (exclusive) of the period starting at {@code start}; {@link Long#MAX_VALUE} for {@link Kind#NONE}. */
    public long endOf(long start) {
        return switch (kind) {
            case NONE -> Long.MAX_VALUE;
            case DAY -> start + DAY_MILLIS;
            case WEEK -> start + 7 * DAY_MILLIS;
            case MONTH -> monthStart(monthIndex(start) + 1);
        };
    }

    /** Which month since the anchor holds {@code millis} (negative before it). */
    private long monthIndex(long millis) {
        ZonedDateTime anchor = Instant.ofEpochMilli(anchorMillis).atZone(ZoneOffset.UTC);
        long months = ChronoUnit.MONTHS.between(anchor, Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
        while (monthStart(months) > millis) {
            months--;
        }
        while (monthStart(months + 1) <= millis) {
            months++;
        }
        return months;
    }

    /** Month {@code k} after the anchor, on the anchor's day (the month's last day when it has fewer). */
    private long monthStart(long k) {
        return Instant.ofEpochMilli(anchorMillis).atZone(ZoneOffset.UTC).plusMonths(k).toInstant().toEpochMilli();
    }
}
