package dev.labq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `labq demo`: real jobs of two projects on an embedded scheduler. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void demoRunsEveryJobAndTheMoreImportantProjectGoesFirst() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome o = home.run("demo");
        assertEquals(0, o.code(), o::toString);
        assertTrue(o.out().contains("scheduler on " + home.root + " (2 CPUs, 4096M memory, GPUs 0=a100 1=t4)"), o::toString);
        List<String> table = o.out().lines().dropWhile(l -> !l.startsWith("ORDER")).skip(1).takeWhile(l -> !l.isBlank()).toList();
        assertEquals(6, table.size(), o::toString);
        assertTrue(table.stream().allMatch(l -> l.contains("COMPLETED")), o::toString);
        assertTrue(rank(table, "preprocess") < rank(table, "grade-essays"), o::toString);
        assertTrue(rank(table, "train-model") < rank(table, "evaluate"), o::toString);
        assertTrue(table.get(rank(table, "train-model")).contains("training on GPU 1"), "the t4 is GPU 1\n" + o);
        assertEquals(0, home.direct().run("replay", "--verify").code(), "the demo leaves a consistent home");
    }

    private static int rank(List<String> table, String name) {
        for (int i = 0; i < table.size(); i++) {
            if (table.get(i).contains(" " + name + " ")) {
                return i;
            }
        }
        throw new AssertionError(name + " not in " + table);
    }
}
