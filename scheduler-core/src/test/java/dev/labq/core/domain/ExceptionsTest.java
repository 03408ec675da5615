package dev.labq.core.domain;

import dev.labq.core.LabqException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ExceptionsTest {

    @Test
    void invalidInputNamesFieldValueAndFix() {
        InvalidInputException e = new InvalidInputException("cpus", 0, "ask for at least 1 CPU");
        assertEquals("invalid cpus=0: ask for at least 1 CPU", e.getMessage());
        assertEquals(LabqException.Kind.INVALID_INPUT, e.kind());
    }

    @Test
    void unknownJobNamesFieldAndJob() {
        UnknownJobException e = new UnknownJobException("dependency afterok", JobId.of(9));
        assertEquals("invalid dependency afterok=9: no such job in this home; list jobs with `labq stat`", e.getMessage());
        assertEquals(LabqException.Kind.UNKNOWN_JOB, e.kind());
    }

    @Test
    void rootExceptionKeepsKindAndCause() {
        RuntimeException cause = new RuntimeException("disk");
        LabqException e = new LabqException(LabqException.Kind.STORAGE, "cannot write", cause);
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertSame(cause, e.getCause());
        assertEquals("cannot write", e.getMessage());
    }

    @Test
    void allocationCopiesGpuIdsAndTreatsNullAsNone() {
        java.util.List<Integer> ids = new java.util.ArrayList<>(java.util.List.of(1));
        Allocation a = new Allocation(2, 512, ids);
        ids.add(3);
        assertEquals(java.util.List.of(1), a.gpuIds());
        assertEquals(java.util.List.of(), new Allocation(1, 1, null).gpuIds());
    }
}
