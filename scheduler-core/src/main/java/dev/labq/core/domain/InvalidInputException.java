package dev.labq.core.domain;

import dev.labq.core.LabqException;

/** A rejected input: names the field, the value and the fix. */
public final class InvalidInputException extends LabqException {
    private final String field;
    private final transient Object value;
    private final String fix;

    public InvalidInputException(String field, Object value, String fix) {
        super(Kind.INVALID_INPUT, "invalid " + field + "=" + value + ": " + fix);
        this.field = field;
        this.value = value;
        this.fix = fix;
    }

    public String field() {
        return field;
    }

    public Object value() {
        return value;
    }

    public String fix() {
        return fix;
    }

    /** The same rejection, its field named under {@code prefix} (a configuration key path) and where it is. */
    public InvalidInputException under(String prefix, String where) {
        String path = prefix.isEmpty() ? field : prefix + "." + field;
        return new InvalidInputException(path, value, fix + (where.isEmpty() ? "" : " (" + where + ")"));
    }
}
