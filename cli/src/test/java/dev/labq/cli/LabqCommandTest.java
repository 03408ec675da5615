package dev.labq.cli;

import dev.labq.core.LabqException;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The top-level command, its help, and the small parsers the subcommands share. */
class LabqCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandAndEveryExitCode() {
        TestHome.Outcome o = TestHome.in(dir).run("--help");
        assertEquals(0, o.code(), o::toString);
        for (String command : List.of("serve", "submit", "stat", "del", "hold", "release", "tail", "replay", "demo")) {
            assertTrue(o.out().contains(command), command + "\n" + o);
        }
        for (int code = 0; code <= 8; code++) {
            assertTrue(o.out().matches("(?s).*\\n\\s+" + code + "\\s+\\S.*"), "exit code " + code + "\n" + o);
        }
    }

    @Test
    void helpCommandShowsEachSubcommandsUsage() {
        TestHome home = TestHome.in(dir);
        for (String name : List.of("submit", "sbatch", "qsub")) {
            TestHome.Outcome o = home.run("help", name);
            assertEquals(0, o.code(), o::toString);
            assertTrue(o.out().contains("Usage: labq submit") && o.out().contains("#LABQ"), o::toString);
        }
        assertTrue(home.run("help", "stat").out().contains("NoScheduler"));
    }

    @Test
    void everySubcommandHasTheHelpOptionItsErrorsPointTo() {
        TestHome home = TestHome.in(dir);
        for (String name : List.of("submit", "stat", "del", "hold", "release", "tail", "replay", "serve", "demo")) {
            TestHome.Outcome o = home.run(name, "--help");
            assertEquals(0, o.code(), o::toString);
            assertTrue(o.out().contains("Usage: labq " + name), o::toString);
        }
    }

    @Test
    void aliasesRunTheSameCommands() {
        TestHome home = TestHome.in(dir);
        assertEquals("1\n", home.run("sbatch", "--parsable", "--", "true").out());
        assertEquals("2\n", home.run("qsub", "--parsable", "--", "true").out());
        assertEquals(0, home.run("squeue").code());
        assertEquals(0, home.run("qstat", "1").code());
        assertEquals("job 1 cancel requested\n", home.run("scancel", "1").out());
        assertEquals("job 2 cancel requested\n", home.run("qdel", "2").out());
    }

    @Test
    void versionNamesLabq() {
        TestHome.Outcome o = TestHome.in(dir).run("--version");
        assertEquals(0, o.code(), o::toString);
        assertTrue(o.out().startsWith("labq "), o::toString);
    }

    @Test
    void homeOptionBeatsLabqHomeAndResolvesAgainstTheCallersDirectory() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome o = home.runWithEnv(java.util.Map.of("LABQ_HOME", "/nonexistent/elsewhere"),
                "submit", "--home", "../home", "--", "true");
        assertEquals(0, o.code(), o::toString);
        assertTrue(o.err().contains("no scheduler is running on " + home.root), o::toString);
        assertEquals(1, home.job(1).get("id").asLong());
    }

    @Test
    void defaultHomeIsDotLabqInTheCallersDirectory() {
        TestHome home = TestHome.in(dir);
        TestHome.Outcome o = home.runWithEnv(java.util.Map.of(), "submit", "--", "true");
        assertEquals(0, o.code(), o::toString);
        assertTrue(o.err().contains("no scheduler is running on " + home.cwd.resolve(".labq")), o::toString);
    }

    @Test
    void exitCodesMapEveryErrorKind() {
        assertEquals(ExitCodes.INVALID_INPUT, ExitCodes.of(LabqException.Kind.INVALID_INPUT));
        assertEquals(ExitCodes.UNKNOWN_JOB, ExitCodes.of(LabqException.Kind.UNKNOWN_JOB));
        assertEquals(ExitCodes.ILLEGAL_STATE, ExitCodes.of(LabqException.Kind.ILLEGAL_STATE));
        assertEquals(ExitCodes.ALREADY_RUNNING, ExitCodes.of(LabqException.Kind.ALREADY_RUNNING));
        assertEquals(ExitCodes.STORAGE, ExitCodes.of(LabqException.Kind.STORAGE));
        assertEquals(ExitCodes.VERIFY_FAILED, ExitCodes.of(LabqException.Kind.VERIFY_FAILED));
    }

    @Test
    void directiveWordsKeepQuotedTextWhole() {
        assertEquals(List.of("-J", "my job", "--env", "A=b c", "x"), SubmitCommand.words(" -J \"my job\"  --env 'A=b c' x "));
        assertEquals(List.of("it's"), SubmitCommand.words("\"it's\""));
        assertEquals(List.of(""), SubmitCommand.words("''"));
        assertEquals(List.of(), SubmitCommand.words("   "));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SubmitCommand.words("-J 'open"));
        assertTrue(e.getMessage().contains("close the quote"), e.getMessage());
    }

    @Test
    void dependencyTakesSlurmsAfterokForm() {
        assertEquals(List.of(new JobRef(JobId.of(1), null), new JobRef(JobId.of(2), 4), new JobRef(JobId.of(3), null)),
                SubmitCommand.parseDependency("afterok:1:2_4,afterok:3"));
        for (String bad : List.of("afterok", "afterany:1", "afterok:", "afterok:0", "afterok:-1", "1")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> SubmitCommand.parseDependency(bad), bad);
            assertTrue(e.getMessage().contains("dependency=" + bad), e.getMessage());
        }
    }

    @Test
    void thinClientFindsTheHomeTheCommandLineNames() {
        assertEquals(Path.of("/tmp/h1"), ThinClient.home(new String[]{"stat", "--home", "/tmp/h1"}));
        assertEquals(Path.of("/tmp/h2"), ThinClient.home(new String[]{"stat", "-a", "--home=/tmp/h2"}));
        String env = System.getenv("LABQ_HOME");
        Path fallback = Path.of(env != null && !env.isBlank() ? env : ".labq").toAbsolutePath();
        assertEquals(fallback, ThinClient.home(new String[]{"submit", "--", "prog", "--home", "/tmp/h3"}),
                "after -- the words are the program's");
        assertEquals(fallback, ThinClient.home(new String[]{"stat"}));
    }
}
