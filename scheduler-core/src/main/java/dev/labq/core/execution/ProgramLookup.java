package dev.labq.core.execution;

import dev.labq.core.domain.JobSpec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before forking, that a job's program can be run, the way a shell would look for it. Jobs run
 * under a wrapper shell, which would otherwise turn a typo into a plain exit code 127.
 */
final class ProgramLookup {
    private ProgramLookup() {
    }

    /** Why the program of {@code spec} cannot run, or {@code null} when it can (or a shell decides). */
    static String problem(JobSpec spec, File workdir, String path) {
        if (spec.shell()) {
            return null; // the user's shell line: its own words decide
        }
        if (workdir != null && !workdir.isDirectory()) {
            return "working directory " + workdir + " does not exist";
        }
        String program = spec.argv().get(0);
        if (program.contains("/")) {
            Path file = workdir == null ? Path.of(program) : workdir.toPath().resolve(program);
            return Files.isRegularFile(file) && Files.isExecutable(file) ? null
                    : Files.exists(file) ? "not an executable file" : "no such file";
        }
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return null;
            }
        }
        return "not found in PATH";
    }
}
