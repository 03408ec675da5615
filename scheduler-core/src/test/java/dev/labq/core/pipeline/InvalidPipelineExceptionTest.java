package dev.labq.core.pipeline;

import dev.labq.core.LabqException;
import dev.labq.core.domain.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class InvalidPipelineExceptionTest {

    @Test
    void gainsPathPlaceFileAndLineOnTheWayOut() {
        InvalidPipelineException found = new InvalidPipelineException("after[0]", "task adv", "after", "nope", "name a task");
        assertEquals("task adv: invalid after=nope: name a task", found.getMessage());
        assertNull(found.source());
        assertEquals(0, found.line());
        InvalidPipelineException inside = found.within("workflows[0].tasks[1]", "workflow combo-1");
        assertEquals("workflows[0].tasks[1].after[0]", inside.path());
        assertEquals("workflow combo-1, task adv", inside.place());
        InvalidPipelineException located = inside.located("defense.yaml", 14);
        assertEquals("defense.yaml line 14: workflow combo-1, task adv: invalid after=nope: name a task", located.getMessage());
        assertEquals("defense.yaml", located.source());
        assertEquals(14, located.line());
        assertEquals("after", located.field());
        assertEquals("nope", located.value());
        assertEquals("name a task", located.fix());
        assertEquals(LabqException.Kind.INVALID_INPUT, located.kind());
        assertEquals("defense.yaml: invalid after=nope: name a task",
                new InvalidPipelineException("", "", "after", "nope", "name a task").located("defense.yaml", 0).getMessage());
    }

    @Test
    void joinsPathsAndPlacesWhicheverSideIsEmpty() {
        InvalidPipelineException bare = new InvalidPipelineException(null, null, "f", 1, "fix");
        assertEquals("", bare.path());
        assertEquals("", bare.place());
        assertEquals("tasks", bare.within("tasks", "").path());
        assertEquals("", bare.within("", "").path());
        assertEquals("workflow w", bare.within("", "workflow w").place());
        InvalidPipelineException indexed = new InvalidPipelineException("[2]", "task t", "run", "x", "fix");
        assertEquals("tasks[2]", indexed.within("tasks", "").path());
        assertEquals("task t", indexed.within("tasks", "").place());
    }

    @Test
    void rendersValuesSoThatNothingHides() {
        assertEquals("(none)", InvalidPipelineException.render(null));
        assertEquals("''", InvalidPipelineException.render(""));
        assertEquals("' x'", InvalidPipelineException.render(" x"));
        assertEquals("[a, (none), ' ']", InvalidPipelineException.render(java.util.Arrays.asList("a", null, " ")));
        assertEquals("[]", InvalidPipelineException.render(List.of()));
        assertEquals("7", InvalidPipelineException.render(7));
    }

    @Test
    void keepsADomainRejectionsFieldValueAndFix() {
        InvalidPipelineException e = InvalidPipelineException.of(new InvalidInputException("cpus", 0, "ask for at least 1 CPU"),
                "resources.cpus", "task t", "resources.");
        assertEquals("task t: invalid resources.cpus=0: ask for at least 1 CPU", e.getMessage());
    }
}
