package dev.labq.core.config;

import dev.labq.core.LabqException;
import dev.labq.core.domain.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabqConfigTest {
    private static final String MINIMAL = """
            projects:
              default: { importance: 10 }
            """;

    private static LabqConfig parse(String yaml) throws IOException {
        return LabqConfig.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static InvalidInputException rejected(String yaml) {
        return assertThrows(InvalidInputException.class, () -> parse(yaml));
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected <" + expected + "> in <" + actual + ">");
    }

    // --- the shipped default ---

    @Test
    void defaultsLoadFromTheClasspath() {
        LabqConfig config = LabqConfig.defaults();
        assertEquals("auto", config.machine().cpus());
        assertEquals("auto", config.machine().memory());
        assertEquals(List.of(new LabqConfig.Gpu(0, "a100", "80G", true), new LabqConfig.Gpu(1, "t4", "16G", true)),
                config.machine().gpus(), "placeholders: used only where no GPU is discovered");
        assertEquals("auto", config.machine().discover());
        assertEquals(60, config.machine().gpuWatchSeconds());
        assertEquals(Map.of("default", new LabqConfig.Project(10, 1.0, null, null),
                "research", new LabqConfig.Project(50, 3.0, null, null),
                "thesis", new LabqConfig.Project(100, 2.0, null, null),
                "teaching", new LabqConfig.Project(5, 1.0, new Budget(null, null, 1, null, 24.0, "day", null, null), null)),
                config.projects());
        assertEquals(new LabqConfig.Settings(10, 4, "default"), config.scheduler());
        assertEquals(LabqConfig.Settings.BACKFILL_EASY, config.scheduler().backfill());
        assertEquals(LabqConfig.Settings.POLICY_MULTIFACTOR, config.scheduler().policy());
        assertEquals(new PrioritySettings(null, null, null, null, null, null), config.priority(),
                "the shipped file spells out the defaults");
    }

    @Test
    void homeWithoutItsOwnFileGetsTheDefault(@TempDir Path home) {
        assertEquals(LabqConfig.defaults(), LabqConfig.load(home));
    }

    @Test
    void homesOwnFileReplacesTheDefaultAsAWhole(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve(LabqConfig.FILE_NAME), """
                machine: { cpus: 2, memory: 4G }
                projects:
                  lab: { importance: 3 }
                scheduler: { defaultProject: lab }
                """);
        LabqConfig config = LabqConfig.load(home);
        assertEquals(new LabqConfig.Machine("2", "4G", List.of()), config.machine());
        assertEquals(Map.of("lab", new LabqConfig.Project(3)), config.projects());
        assertEquals(new LabqConfig.Settings(10, 4, "lab"), config.scheduler());
    }

    @Test
    void unreadableHomeFileIsReportedWithItsPath(@TempDir Path home) throws IOException {
        Path file = Files.createDirectory(home.resolve(LabqConfig.FILE_NAME));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabqConfig.load(home));
        assertContains("invalid config=" + file + ": the file cannot be read", e.getMessage());
    }

    @Test
    void malformedYamlInHomeFileIsReportedWithItsPath(@TempDir Path home) throws IOException {
        Path file = home.resolve(LabqConfig.FILE_NAME);
        Files.writeString(file, "projects: [unclosed\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> LabqConfig.load(home));
        assertContains("invalid projects=", e.getMessage());
        assertContains("(" + file + " line 1)", e.getMessage());
    }

    // --- defaults for missing sections ---

    @Test
    void missingSectionsGetDefaults() throws IOException {
        LabqConfig config = parse(MINIMAL);
        assertEquals(new LabqConfig.Machine("auto", "auto", List.of()), config.machine());
        assertEquals(new LabqConfig.Settings(10, 4, "default"), config.scheduler());
    }

    @Test
    void projectWithoutImportanceGetsZero() throws IOException {
        LabqConfig config = parse("""
                projects:
                  default: {}
                  other: { importance: 7 }
                """);
        assertEquals(0, config.importanceOf("default"));
        assertEquals(7, config.importanceOf("other"));
        assertEquals(0, config.importanceOf("nobody"));
    }

    @Test
    void numericCpusAreReadAsText() throws IOException {
        LabqConfig config = parse("machine: { cpus: 16, memory: 64G }\n" + MINIMAL);
        assertEquals("16", config.machine().cpus());
        assertEquals("64G", config.machine().memory());
    }

    @Test
    void gpuWithoutMemoryHasZeroMemory() throws IOException {
        LabqConfig config = parse("machine: { gpus: [ { id: 3, type: t4 } ] }\n" + MINIMAL);
        assertEquals(0, config.machine().gpus().get(0).memoryMb());
        assertEquals(16_384, new LabqConfig.Gpu(0, "t4", "16G").memoryMb());
    }

    // --- parse errors name the field ---

    @Test
    void unknownDefaultProjectNamesFieldAndValue() {
        InvalidInputException e = rejected(MINIMAL + "scheduler: { defaultProject: nobody }\n");
        assertContains("invalid scheduler.defaultProject=nobody: name one of the configured projects [default]",
                e.getMessage());
        assertEquals(LabqException.Kind.INVALID_INPUT, e.kind());
    }

    @Test
    void defaultProjectMustExistEvenWhenLeftOut() {
        InvalidInputException e = rejected("projects:\n  lab: { importance: 1 }\n");
        assertContains("invalid scheduler.defaultProject=default: ", e.getMessage());
    }

    @Test
    void missingProjectsAreRejected() {
        assertContains("invalid projects=null: ", rejected("machine: { cpus: 2 }\n").getMessage());
        assertContains("invalid projects={}: ", rejected("projects: {}\n").getMessage());
    }

    @Test
    void projectImportanceOutOfRangeNamesFieldAndValue() {
        assertEquals("invalid projects.default.importance=-1: use a whole number from 0 to 1000000 (test.yaml line 2)",
                rejected("projects:\n  default: { importance: -1 }\n").getMessage());
        assertContains("invalid projects.default.importance=1000001: ",
                rejected("projects:\n  default: { importance: 1000001 }\n").getMessage());
    }

    @Test
    void negativeGpuIdNamesFieldAndValue() {
        InvalidInputException e = rejected("machine: { gpus: [ { id: -1, type: a100, memory: 80G } ] }\n" + MINIMAL);
        assertEquals("invalid machine.gpus[0].id=-1: GPU ids are 0 or more (test.yaml line 1)", e.getMessage());
    }

    @Test
    void gpuWithoutTypeNamesTheField() {
        assertContains("invalid machine.gpus[0].type=null: ",
                rejected("machine: { gpus: [ { id: 0, memory: 80G } ] }\n" + MINIMAL).getMessage());
        assertContains("invalid machine.gpus[0].type= : ",
                rejected("machine: { gpus: [ { id: 0, type: ' ' } ] }\n" + MINIMAL).getMessage());
    }

    @Test
    void negativeKillGraceNamesFieldAndValue() {
        assertContains("invalid scheduler.killGraceSeconds=-1: ",
                rejected(MINIMAL + "scheduler: { killGraceSeconds: -1 }\n").getMessage());
    }

    @Test
    void zeroInProcessThreadsNamesFieldAndValue() {
        assertContains("invalid scheduler.inProcessThreads=0: ",
                rejected(MINIMAL + "scheduler: { inProcessThreads: 0 }\n").getMessage());
    }

    @Test
    void priorityOutOfRangeNamesTheKeyAndTheFix() {
        assertContains("invalid priority.deadlineResolution=-1.0: use priority points from 0",
                rejected(MINIMAL + "priority: { deadlineResolution: -1 }\n").getMessage());
        assertContains("invalid priority.recomputeSeconds=0: use 1 or more seconds",
                rejected(MINIMAL + "priority: { recomputeSeconds: 0 }\n").getMessage());
        assertContains("invalid priority.weights.age=-5.0: ",
                rejected(MINIMAL + "priority: { weights: { age: -5 } }\n").getMessage());
        assertEquals(0.0, new PrioritySettings(null, null, null, null, null, null, 0.0).deadlineResolution());
    }

    @Test
    void unknownKeyIsNamedWithItsSource() {
        InvalidInputException e = rejected("machine: { cpuz: 4 }\n" + MINIMAL);
        assertEquals("invalid machine.cpuz=(unknown key): remove it or use one of [cpus, discover, gpuWatchSeconds, gpus, memory] under machine"
                + " (test.yaml line 1)", e.getMessage());
    }

    @Test
    void wrongTypeIsNamedWithItsPath() {
        InvalidInputException e = rejected(MINIMAL + "scheduler: { killGraceSeconds: soon }\n");
        assertContains("invalid scheduler.killGraceSeconds=", e.getMessage());
        assertContains("\"soon\"", e.getMessage());
        assertContains("(test.yaml line 3)", e.getMessage());
    }

    @Test
    void yamlSyntaxErrorIsNamedWithSourceAndLine() {
        InvalidInputException e = rejected("projects:\n  default: { importance: 1 }\n\tbad: tab\n");
        assertTrue(e.getMessage().startsWith("invalid "), e.getMessage());
        assertContains("TAB", e.getMessage());
        assertContains("(test.yaml line 3)", e.getMessage()); // the tab is on line 3
    }
}
