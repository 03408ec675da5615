package dev.labq.core.domain;

import dev.labq.core.LabqException;

/** A rejected input: names the field, the value and the fix. */
public final class InvalidInputException extends LabqException {
    public InvalidInputException(String field, Object value, String fix) {
        super(Kind.INVALID_INPUT, "invalid " + field + "=" + value + ": " + fix);
    }
}
