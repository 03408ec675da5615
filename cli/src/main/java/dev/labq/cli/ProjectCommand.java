package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Administers projects: {@code labq project set NAME --importance N --share S}. */
@Command(name = "project", description = "Change a project's importance or share (see `labq shares`).",
        subcommands = ProjectCommand.Set.class)
final class ProjectCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: set");
    }

    /** Overrides a configured project's importance or share, or a user's share within it. */
    @Command(name = "set", description = {
            "Set a project's importance or share, or with --user a user's share within it.",
            "Journaled: it applies at the next decision and outlives restarts; labq.yaml stays as it is."})
    static final class Set implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "PROJECT", description = "a project of labq.yaml")
        String project;

        @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "change this user's share within the project")
        String user;

        @Option(names = "--importance", paramLabel = "N", description = "0..1000000, higher runs first")
        Integer importance;

        @Option(names = "--share", paramLabel = "S", description = "fair share against the other projects (or users)")
        Double share;

        @Override
        public Integer call() {
            try (LabqClient client = common.client()) {
                client.setProject(project, user, importance, share);
            }
            common.invocation().out().println((user == null ? "project " + project : "user " + user + " in project " + project)
                    + (importance != null ? " importance " + importance : "") + (share != null ? " share " + share : ""));
            return ExitCodes.OK;
        }
    }
}
