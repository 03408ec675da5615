package dev.labq.core.domain;

import dev.labq.core.LabqException;

/** A job id that names no job in this home. */
public final class UnknownJobException extends LabqException {
    public UnknownJobException(String field, JobId job) {
        super(Kind.UNKNOWN_JOB, "invalid " + field + "=" + job + ": no such job in this home; list jobs with `labq stat`");
    }
}
