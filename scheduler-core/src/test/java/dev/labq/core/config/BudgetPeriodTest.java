package dev.labq.core.config;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BudgetPeriodTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void daysStartAtMidnightUtcOrAtTheGivenTime() {
        BudgetPeriod days = BudgetPeriod.of("day", null);
        assertEquals(at("2026-12-03T00:00:00Z"), days.startOf(at("2026-12-03T18:52:00Z")));
        assertEquals(at("2026-12-04T00:00:00Z"), days.endOf(days.startOf(at("2026-12-03T18:52:00Z"))));
        BudgetPeriod fromSix = BudgetPeriod.of("day", "2026-01-01T06:00:00Z");
        assertEquals(at("2026-12-02T06:00:00Z"), fromSix.startOf(at("2026-12-03T05:59:59Z")));
        assertEquals(at("2026-12-03T06:00:00Z"), fromSix.startOf(at("2026-12-03T06:00:00Z")));
    }

    @Test
    void weeksStartOnMondaysByDefault() {
        BudgetPeriod weeks = BudgetPeriod.of("week", null);
        assertEquals(at("2026-11-30T00:00:00Z"), weeks.startOf(at("2026-12-03T18:52:00Z"))); // a Thursday
        assertEquals(at("2026-12-07T00:00:00Z"), weeks.endOf(at("2026-11-30T00:00:00Z")));
    }

    @Test
    void monthsAreCalendarMonthsEvenFromTheEndOfOne() {
        BudgetPeriod months = BudgetPeriod.of("month", null);
        assertEquals(at("2026-12-01T00:00:00Z"), months.startOf(at("2026-12-31T23:59:59Z")));
        assertEquals(at("2027-01-01T00:00:00Z"), months.endOf(at("2026-12-01T00:00:00Z")));
        BudgetPeriod from31st = BudgetPeriod.of("month", "2026-01-31T00:00:00Z");
        assertEquals(at("2026-02-28T00:00:00Z"), from31st.startOf(at("2026-03-01T00:00:00Z")));
        assertEquals(at("2026-03-31T00:00:00Z"), from31st.endOf(at("2026-02-28T00:00:00Z")));
        assertEquals(at("2025-12-31T00:00:00Z"), from31st.startOf(at("2026-01-15T00:00:00Z")), "before the anchor");
    }

    @Test
    void noneIsOnePeriodForAllTime() {
        BudgetPeriod none = BudgetPeriod.of("none", null);
        assertEquals(Long.MIN_VALUE, none.startOf(at("2026-12-03T00:00:00Z")));
        assertEquals(Long.MAX_VALUE, none.endOf(Long.MIN_VALUE));
    }
}
