package dev.labq.core.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobSpecTest {

    private static JobSpec.Builder python() {
        return JobSpec.process("research", "ada", "/usr/bin/python3", "train.py");
    }

    private static void assertRejected(String expectedPrefix, JobSpec.Builder builder) {
        InvalidInputException e = assertThrows(InvalidInputException.class, builder::build);
        assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
    }

    @Test
    void processBuilderFillsDefaults() {
        JobSpec spec = python().build();
        assertEquals(JobKind.PROCESS, spec.kind());
        assertEquals(List.of("/usr/bin/python3", "train.py"), spec.argv());
        assertEquals("research", spec.project());
        assertEquals("ada", spec.user());
        assertEquals(Resources.DEFAULT, spec.resources());
        assertEquals(Map.of(), spec.env());
        assertEquals(List.of(), spec.afterOk());
        assertFalse(spec.shell());
        assertFalse(spec.hold());
        assertNull(spec.importance());
        assertNull(spec.deadlineMillis());
        assertNull(spec.timeLimitSeconds());
        assertNull(spec.workdir());
    }

    @Test
    void nameDefaultsToProgramBaseName() {
        assertEquals("python3", python().build().name());
        assertEquals("train.sh", JobSpec.process("research", "ada", "train.sh").build().name());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void blankNameIsReplacedByProgramBaseName(String name) {
        assertEquals("python3", python().name(name).build().name());
    }

    @Test
    void explicitNameIsKept() {
        assertEquals("sweep-7", python().name("sweep-7").build().name());
    }

    @Test
    void nullCollectionsAndKindBecomeDefaults() {
        JobSpec spec = new JobSpec(null, null, List.of("true"), false, null, null, "p", "u", null, null,
                null, null, null, false);
        assertEquals(JobKind.PROCESS, spec.kind());
        assertEquals(Map.of(), spec.env());
        assertEquals(List.of(), spec.afterOk());
        assertEquals(Resources.DEFAULT, spec.resources());
        assertEquals("true", spec.name());
    }

    @Test
    void copiesCollectionsSoLaterChangesToTheCallersDoNotLeakIn() {
        List<String> argv = new ArrayList<>(List.of("echo", "hi"));
        Map<String, String> env = new HashMap<>(Map.of("A", "1"));
        List<JobId> after = new ArrayList<>(List.of(JobId.of(1)));
        JobSpec spec = new JobSpec(null, JobKind.PROCESS, argv, false, env, null, "p", "u", null, null,
                null, null, after, false);
        argv.add("extra");
        env.put("B", "2");
        after.add(JobId.of(2));
        assertEquals(List.of("echo", "hi"), spec.argv());
        assertEquals(Map.of("A", "1"), spec.env());
        assertEquals(List.of(JobId.of(1)), spec.afterOk());
        assertThrows(UnsupportedOperationException.class, () -> spec.argv().add("x"));
    }

    @Test
    void rejectsProcessWithoutCommand() {
        assertRejected("invalid command=(none): ", JobSpec.process("research", "ada"));
    }

    @Test
    void taskNeedsNoCommandAndIsNamedByItsBuilder() {
        JobSpec spec = JobSpec.task("embed", "research", "ada").build();
        assertEquals(JobKind.TASK, spec.kind());
        assertEquals("embed", spec.name());
        assertEquals(List.of(), spec.argv());
    }

    @Test
    void unnamedTaskIsCalledTask() {
        assertEquals("task", JobSpec.task(null, "research", "ada").build().name());
        JobSpec bare = new JobSpec(null, JobKind.TASK, null, false, null, null, "p", "u", null, null, null, null,
                null, false);
        assertEquals("task", bare.name());
        assertEquals(List.of(), bare.argv());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsBlankProjectNamingTheField(String project) {
        assertRejected("invalid project='': ", JobSpec.process(project, "ada", "true"));
    }

    @Test
    void projectLeftOutWaitsForTheHomesDefault() {
        JobSpec spec = JobSpec.process(null, "ada", "true").build();
        assertNull(spec.project());
        assertEquals("research", spec.inProject("research").project());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"\t"})
    void rejectsMissingUserNamingTheField(String user) {
        assertRejected("invalid user=" + user + ": ", JobSpec.process("research", user, "true"));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, JobSpec.MAX_IMPORTANCE + 1, Integer.MIN_VALUE})
    void rejectsImportanceOutOfRangeNamingTheValue(int importance) {
        assertRejected("invalid importance=" + importance + ": ", python().importance(importance));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, JobSpec.MAX_IMPORTANCE})
    void acceptsImportanceAtTheBounds(int importance) {
        assertEquals(importance, python().importance(importance).build().importance());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5})
    void rejectsNonPositiveTimeLimitNamingTheValue(long seconds) {
        assertRejected("invalid time=" + seconds + "s: ", python().timeLimitSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 101})
    void rejectsRetriesOutOfRangeNamingTheValue(int retries) {
        assertRejected("invalid retries=" + retries + ": use a whole number from 0 (default) to 100", python().retries(retries));
    }

    @Test
    void retriesLeftCountEveryStart() {
        JobSpec twice = python().retries(2).build();
        assertEquals(3, twice.retriesLeft(0));
        assertEquals(1, twice.retriesLeft(2));
        assertEquals(0, twice.retriesLeft(3));
        assertEquals(0, twice.retriesLeft(9));
        assertEquals(0, python().build().retriesLeft(1), "none by default");
    }

    @Test
    void acceptsPositiveTimeLimit() {
        assertEquals(1L, python().timeLimitSeconds(1L).build().timeLimitSeconds());
    }

    @Test
    void rejectsEmptyEnvironmentName() {
        assertRejected("invalid env=: ", python().env(Map.of("", "x")));
    }

    @Test
    void rejectsEnvironmentNameContainingEquals() {
        assertRejected("invalid env=A=B: ", python().env(Map.of("A=B", "x")));
    }

    @Test
    void builderCarriesEveryField() {
        JobSpec spec = python()
                .name("n").shell(true).env(Map.of("K", "V")).workdir("/tmp/w")
                .resources(new Resources(4, 8192, 1, "a100")).importance(7).deadlineMillis(99L)
                .timeLimitSeconds(60L).afterOk(JobId.of(3), JobId.of(4)).hold(true).build();
        assertEquals(new JobSpec("n", JobKind.PROCESS, List.of("/usr/bin/python3", "train.py"), true, Map.of("K", "V"),
                "/tmp/w", "research", "ada", new Resources(4, 8192, 1, "a100"), 7, 99L, 60L,
                List.of(JobId.of(3), JobId.of(4)), true), spec);
        assertEquals(List.of(JobId.of(5)), python().afterOk(List.of(JobId.of(5))).build().afterOk());
    }
}
