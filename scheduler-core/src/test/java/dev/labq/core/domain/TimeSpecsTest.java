package dev.labq.core.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeSpecsTest {
    private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "{0} -> {1}s")
    @CsvSource({
            "30, 1800",                 // M
            "1, 60",
            "90, 5400",
            "1:30, 90",                 // M:S
            "0:1, 1",
            "1:30:00, 5400",            // H:M:S
            "0:0:5, 5",
            "2-0, 172800",              // D-H
            "1-2, 93600",
            "1-2:30, 95400",            // D-H:M
            "1-00:00:00, 86400",        // D-H:M:S
            "0-0:0:1, 1",
            "' 45 ', 2700",             // surrounding space
    })
    void parsesEverySlurmTimeForm(String text, long seconds) {
        assertEquals(seconds, TimeSpecs.parseTimeLimitSeconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0:0", "0:0:0", "0-0", "0-0:0:0"})
    void rejectsZeroLengthLimitNamingTheText(String text) {
        assertBadTime(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "1:2:3:4", "1-2:3:4:5", "1-", "-5", "x-1", "1-x", "1:x", "1.5", "1-2-3",
            "1::2", "1h"})
    void rejectsMalformedLimitNamingTheText(String text) {
        assertBadTime(text);
    }

    @Test
    void rejectsNegativeMinutesForm() {
        assertBadTime("-1:30");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1--2", "1-5:-3", "1-0:0:-1"})
    void rejectsNegativeFieldAfterDays(String text) {
        assertBadTime(text);
    }

    private static void assertBadTime(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TimeSpecs.parseTimeLimitSeconds(text));
        assertTrue(e.getMessage().startsWith("invalid time=" + text + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("D-H:M:S"), e.getMessage());
    }

    @Test
    void parsesAbsoluteInstantDeadline() {
        assertEquals(Instant.parse("2026-12-01T12:00:00Z").toEpochMilli(),
                TimeSpecs.parseDeadlineMillis("2026-12-01T12:00:00Z", NOW, BERLIN));
    }

    @Test
    void parsesLocalDeadlineInTheGivenZone() {
        // Berlin is UTC+1 in December
        assertEquals(Instant.parse("2026-12-01T11:00:00Z").toEpochMilli(),
                TimeSpecs.parseDeadlineMillis("2026-12-01T12:00", NOW, BERLIN));
        assertEquals(Instant.parse("2026-12-01T12:00:00Z").toEpochMilli(),
                TimeSpecs.parseDeadlineMillis("2026-12-01T12:00", NOW, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-01T12:00:30Z").toEpochMilli(),
                TimeSpecs.parseDeadlineMillis(" 2026-12-01T12:00:30 ", NOW, ZoneOffset.UTC));
    }

    @ParameterizedTest(name = "{0} -> now + {1}ms")
    @CsvSource({
            "+30s, 30000",
            "+90m, 5400000",
            "+2h, 7200000",
            "+3d, 259200000",
            "+0h, 0",
            "' +2h ', 7200000",
    })
    void parsesRelativeDeadlineFromNow(String text, long offsetMillis) {
        assertEquals(NOW + offsetMillis, TimeSpecs.parseDeadlineMillis(text, NOW, BERLIN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+2x", "+2H", "+2w", "+xh", "+1.5h", "+ 2h", "+", "+h", "tomorrow", "2026-12-01",
            "2026-13-01T12:00", "12:00", ""})
    void rejectsBadDeadlineNamingTheText(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TimeSpecs.parseDeadlineMillis(text, NOW, BERLIN));
        assertTrue(e.getMessage().startsWith("invalid deadline=" + text + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("+2h"), e.getMessage());
    }

    @Test
    void rejectsRelativeDeadlineWithNegativeAmount() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TimeSpecs.parseDeadlineMillis("+-2h", NOW, BERLIN));
        assertTrue(e.getMessage().startsWith("invalid deadline=+-2h: "), e.getMessage());
    }
}
