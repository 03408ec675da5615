package dev.labq.cli;

import dev.labq.core.domain.JobId;
import picocli.CommandLine;

/** Converts a user-typed job id, so a bad one is a usage error naming the value. */
final class JobIdsParameter implements CommandLine.ITypeConverter<JobId> {
    @Override
    public JobId convert(String value) {
        try {
            return JobId.parse(value);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("invalid job id '" + value + "': job ids are positive numbers, as printed by `labq submit`");
        }
    }
}
