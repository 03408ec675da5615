package dev.labq.core.rpc;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves client command lines on {@code scheduler.sock} ({@link CommandFrames}): one invocation per
 * connection, run by {@link RemoteCommands} on a thread of its own, its output streamed back as it is written.
 *
 * <p>A command runs as the OS user at the other end of the socket ({@code SO_PEERCRED}, from the kernel),
 * not as the user the client names: anyone who can open the socket could name anyone. Where the platform
 * cannot tell who connected, no socket is opened and clients use the journal directly, as themselves.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final RemoteCommands commands;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "labq-socket");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;

    private SocketServer(Path path, ServerSocketChannel server, RemoteCommands commands) {
        this.path = path;
        this.server = server;
        this.commands = commands;
    }

    /** Binds {@code path} (replacing a stale socket file: the caller holds the scheduler lock), or returns null. */
    public static SocketServer start(Path path, RemoteCommands commands) {
        try {
            if (!tellsPeers()) {
                LOG.warn("no local socket at {}: this platform does not say which user connects (SO_PEERCRED); "
                        + "clients will use the journal directly", path);
                return null;
            }
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            SocketServer s = new SocketServer(path, server, commands);
            Thread acceptor = new Thread(s::acceptLoop, "labq-socket-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return s;
        } catch (IOException | RuntimeException e) {
            LOG.warn("no local socket at {} ({}); clients will use the journal directly", path, e.toString());
            return null;
        }
    }

    private static boolean tellsPeers() throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED);
        }
    }

    /** The OS user of the process at the other end, as the kernel recorded it when the client connected. */
    private static String peerUser(SocketChannel channel) throws IOException {
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return peer.user().getName();
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                SocketChannel channel = server.accept();
                connections.execute(() -> serve(channel));
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("socket accept failed: {}", e.toString());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel;
             DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)))) {
            if (in.readUnsignedByte() != CommandFrames.MAGIC_0 || in.readUnsignedByte() != CommandFrames.MAGIC_1) {
                return; // not a labq client
            }
            RemoteInvocation invocation;
            try {
                invocation = CommandFrames.readInvocation(in);
            } catch (CommandFrames.Refusal e) {
                CommandFrames.frames(out, CommandFrames.ERR).write(("labq: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                CommandFrames.writeExit(out, 2);
                return;
            }
            String user = peerUser(channel);
            if (!user.equals(invocation.user())) {
                LOG.debug("client on {} says user={} but its process is user={}; running its command as user={}",
                        path, invocation.user(), user, user);
                invocation = invocation.withUser(user);
            }
            PrintStream stdout = new PrintStream(CommandFrames.frames(out, CommandFrames.OUT), false, StandardCharsets.UTF_8);
            PrintStream stderr = new PrintStream(CommandFrames.frames(out, CommandFrames.ERR), false, StandardCharsets.UTF_8);
            int code;
            try {
                code = commands.run(invocation, stdout, stderr);
            } catch (RuntimeException e) {
                stderr.println("labq: internal error in the scheduler: " + e);
                code = 1;
            }
            stdout.flush();
            stderr.flush();
            CommandFrames.writeExit(out, code);
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                LOG.debug("socket client dropped: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("socket {} not removed: {}", path, e.toString());
        }
        connections.shutdownNow();
    }
}
