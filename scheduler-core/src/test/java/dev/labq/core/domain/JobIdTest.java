package dev.labq.core.domain;

import dev.labq.core.LabqException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobIdTest {

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void rejectsNonPositiveIdNamingTheFieldAndValue(long value) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new JobId(value));
        assertTrue(e.getMessage().startsWith("invalid job id=" + value + ": "), e.getMessage());
        assertEquals(LabqException.Kind.INVALID_INPUT, e.kind());
    }

    @Test
    void parsesTypedIdIgnoringSurroundingSpace() {
        assertEquals(JobId.of(42), JobId.parse(" 42 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "4.2", "12x"})
    void rejectsNonNumericTextNamingTheText(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> JobId.parse(text));
        assertTrue(e.getMessage().startsWith("invalid job id=" + text + ": "), e.getMessage());
    }

    @Test
    void rejectsParsedZeroAsNonPositive() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> JobId.parse("0"));
        assertTrue(e.getMessage().contains("job id=0"), e.getMessage());
    }

    @Test
    void ordersByNumber() {
        assertTrue(JobId.of(2).compareTo(JobId.of(10)) < 0);
        assertTrue(JobId.of(10).compareTo(JobId.of(2)) > 0);
        assertEquals(0, JobId.of(7).compareTo(JobId.of(7)));
    }

    @Test
    void printsAsBareNumber() {
        assertEquals("42", JobId.of(42).toString());
    }
}
