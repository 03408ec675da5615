package dev.labq.cli;

import dev.labq.core.rpc.CommandFrames;
import dev.labq.core.rpc.RemoteInvocation;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TimeZone;

/**
 * The launcher's entry point. When a scheduler serves the home, the everyday commands (submit, stat,
 * tail...) are forwarded to it over {@code scheduler.sock} and this JVM loads only java.base: a command
 * then costs about a tenth of a second. Otherwise, or for serve, demo and replay, it runs the full CLI here.
 */
public final class ThinClient {
    /** Commands a running scheduler runs on a client's behalf. */
    static final Set<String> FORWARDED = Set.of("submit", "qsub", "sbatch", "stat", "qstat", "squeue",
            "del", "qdel", "scancel", "hold", "release", "requeue", "tail", "alter", "qalter", "explain", "prio", "sprio",
            "shares", "sshare", "project", "pipeline", "checkpoint", "gpus", "nodes", "drain", "resume");

    private ThinClient() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && FORWARDED.contains(args[0])) {
            Path socket = home(args).resolve("scheduler.sock");
            if (Files.exists(socket)) {
                Integer code = forward(socket, args);
                if (code != null) {
                    System.exit(code);
                }
            }
        }
        LabqCommand.main(args);
    }

    /** The exit code of the forwarded command, or null when no scheduler answered (then run locally). */
    private static Integer forward(Path socket, String[] args) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return null; // a stale socket of a stopped scheduler
        }
        try (channel;
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
             DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)))) {
            // TimeZone's id, not ZoneId.systemDefault(): the same answer without loading the zone rules (~10 ms).
            CommandFrames.writeInvocation(out, new RemoteInvocation(Arrays.asList(args),
                    Path.of("").toAbsolutePath().toString(), System.getProperty("user.name"),
                    TimeZone.getDefault().getID(), System.getenv()));
            return CommandFrames.relay(in, System.out, System.err);
        } catch (IOException e) {
            System.err.println("labq: the scheduler at " + socket + " stopped answering (" + e.getMessage()
                    + "); check `labq stat`, then retry");
            return ExitCodes.STORAGE;
        }
    }

    /** The home the command line names, as {@link CommonOptions} will read it. */
    static Path home(String[] args) {
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--home") && i + 1 < args.length) {
                return Path.of(args[i + 1]).toAbsolutePath();
            }
            if (args[i].startsWith("--home=")) {
                return Path.of(args[i].substring("--home=".length())).toAbsolutePath();
            }
        }
        String env = System.getenv("LABQ_HOME");
        return Path.of(env != null && !env.isBlank() ? env : CommonOptions.DEFAULT_HOME).toAbsolutePath();
    }
}
