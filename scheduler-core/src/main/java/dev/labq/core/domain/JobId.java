package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A job's number, unique within one labq home and increasing in submission order. */
public record JobId(@JsonValue long value) implements Comparable<JobId> {
    public JobId {
        if (value <= 0) {
            throw new InvalidInputException("job id", value, "job ids are positive numbers, as printed by `labq submit`");
        }
    }

    @JsonCreator
    public static JobId of(long value) {
        return new JobId(value);
    }

    /** Parses a user-typed id such as {@code 42}. */
    public static JobId parse(String text) {
        try {
            return new JobId(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException("job id", text, "job ids are positive numbers, as printed by `labq submit`");
        }
    }

    @Override
    public int compareTo(JobId other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
