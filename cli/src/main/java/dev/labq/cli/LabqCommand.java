package dev.labq.cli;

import dev.labq.core.LabqException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** The {@code labq} command: a durable batch scheduler for shared GPU machines. */
@Command(name = "labq", mixinStandardHelpOptions = true, versionProvider = LabqCommand.Version.class,
        description = "A durable batch scheduler for research teams sharing GPU machines.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:success",
                "1:internal error (a bug: run again with -v and report it)",
                "2:usage error (unknown option, missing or malformed value)",
                "3:invalid input (a field's value is rejected: the message names it and the fix)",
                "4:unknown job id",
                "5:the job's state does not allow it (e.g. release a job that is not held)",
                "6:another scheduler already holds this home",
                "7:the home, journal or views cannot be read or written",
                "8:replay --verify found views that disagree with the journal"},
        subcommands = CommandLine.HelpCommand.class)
public final class LabqCommand implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, SubmitCommand.class,
            StatCommand.class, DelCommand.class, HoldCommand.class, ReleaseCommand.class, RequeueCommand.class, AlterCommand.class,
            ExplainCommand.class, PrioCommand.class, SharesCommand.class, ProjectCommand.class, PipelineCommand.class,
            CheckpointCommand.class, GpusCommand.class, DrainCommand.class, ResumeCommand.class,
            TailCommand.class,
            ReplayCommand.class, DemoCommand.class);

    public static void main(String[] args) {
        System.exit(run(Invocation.local(), args));
    }

    /** Runs one command line in {@code invocation}'s context and returns its exit code. */
    static int run(Invocation invocation, String... args) {
        quietLibraries();
        Factory factory = new Factory(invocation);
        CommandLine cli = new CommandLine(new LabqCommand(), factory);
        // Building a command's model is reflection: build only the one named, unless help needs them all.
        for (Class<?> type : COMMANDS) {
            CommandLine.Command spec = type.getAnnotation(CommandLine.Command.class);
            if (args.length == 0 || names(spec).contains(args[0]) || !isCommandName(args[0])) {
                cli.addSubcommand(new CommandLine(type, factory));
            }
        }
        cli.setOut(new java.io.PrintWriter(invocation.out(), true))
                .setErr(new java.io.PrintWriter(invocation.err(), true))
                .setParameterExceptionHandler(LabqCommand::usageError)
                .setExecutionExceptionHandler(LabqCommand::failure);
        CommandLine submit = cli.getSubcommands().get("submit");
        if (submit != null) {
            submit.setStopAtPositional(true); // `submit SCRIPT --flag`: options after the script are the script's
        }
        return cli.execute(args);
    }

    private static List<String> names(CommandLine.Command spec) {
        List<String> names = new java.util.ArrayList<>(List.of(spec.aliases()));
        names.add(spec.name());
        return names;
    }

    private static boolean isCommandName(String arg) {
        return COMMANDS.stream().anyMatch(type -> names(type.getAnnotation(CommandLine.Command.class)).contains(arg));
    }

    /** Creates commands and mixins, handing each {@link CommonOptions} the invocation's context. */
    private record Factory(Invocation invocation) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == CommonOptions.class) {
                return type.cast(new CommonOptions(invocation));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** Chronicle's banner and usage reporting off, library logging at WARN, before any of them loads. */
    private static void quietLibraries() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage()
                + "; see `" + qualifiedName(e.getCommandLine()) + " --help`");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static String qualifiedName(CommandLine cli) {
        return cli.getParent() == null ? "labq" : "labq " + cli.getCommandName();
    }

    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = parsed.matchedOption("-v") != null || parsed.subcommand() != null
                && parsed.subcommand().matchedOption("-v") != null;
        if (e instanceof LabqException labq) {
            err.println("labq " + cli.getCommandName() + ": " + labq.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.of(labq.kind());
        }
        if (e instanceof dev.labq.store.StoreException store) {
            err.println("labq " + cli.getCommandName() + ": " + store.getMessage());
            err.flush();
            return ExitCodes.STORAGE;
        }
        err.println("labq " + cli.getCommandName() + ": internal error: " + e + (verbose ? "" : " (run again with -v for details)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.INTERNAL;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LabqCommand.class.getPackage().getImplementationVersion();
            return new String[]{"labq " + (v == null ? "(development build)" : v)};
        }
    }
}
