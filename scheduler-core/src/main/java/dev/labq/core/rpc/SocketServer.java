package dev.labq.core.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.LabqException;
import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.state.JobStatus;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.JournalReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * Serves the CLI on {@code scheduler.sock}: one JSON request per connection, answered with one JSON line
 * (or, for {@code tail}, one line per journal entry). A submission is journaled before its answer is sent,
 * so an answered submission is durable. See {@link Protocol} for the messages.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final LabqScheduler scheduler;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "labq-socket");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;

    private SocketServer(Path path, ServerSocketChannel server, LabqScheduler scheduler) {
        this.path = path;
        this.server = server;
        this.scheduler = scheduler;
    }

    /** Binds {@code path} (replacing a stale socket file: the caller holds the scheduler lock), or returns null. */
    public static SocketServer start(Path path, LabqScheduler scheduler) {
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            SocketServer s = new SocketServer(path, server, scheduler);
            Thread acceptor = new Thread(s::acceptLoop, "labq-socket-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return s;
        } catch (IOException | RuntimeException e) {
            LOG.warn("no local socket at {} ({}); clients will use the journal directly", path, e.toString());
            return null;
        }
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
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
             Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            if (line == null) {
                return;
            }
            JsonNode request = JSON.readTree(line);
            String op = request.path("op").asText();
            if (Protocol.TAIL.equals(op)) {
                tail(request, out);
                return;
            }
            ObjectNode reply;
            try {
                reply = answer(op, request);
            } catch (LabqException e) {
                reply = JSON.createObjectNode().put("ok", false).put("kind", e.kind().name()).put("message", e.getMessage());
            }
            out.write(JSON.writeValueAsString(reply));
            out.write('\n');
            out.flush();
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                LOG.debug("socket client dropped: {}", e.toString());
            }
        }
    }

    private ObjectNode answer(String op, JsonNode request) throws IOException {
        ObjectNode reply = JSON.createObjectNode().put("ok", true);
        switch (op) {
            case Protocol.PING -> reply.put("pid", ProcessHandle.current().pid());
            case Protocol.SUBMIT -> {
                JobSpec spec = JSON.treeToValue(request.get("spec"), JobSpec.class);
                reply.put("job", scheduler.submit(spec).id().value());
            }
            case Protocol.HOLD -> scheduler.hold(JobId.of(request.path("job").asLong()));
            case Protocol.RELEASE -> scheduler.release(JobId.of(request.path("job").asLong()));
            case Protocol.CANCEL -> scheduler.cancel(JobId.of(request.path("job").asLong()));
            case Protocol.STAT -> {
                List<JobId> ids = new ArrayList<>();
                request.path("ids").forEach(n -> ids.add(JobId.of(n.asLong())));
                List<JobStatus> jobs = scheduler.jobs(ids);
                reply.set("jobs", JSON.valueToTree(jobs));
            }
            default -> throw new LabqException(LabqException.Kind.INVALID_INPUT, "invalid op=" + op
                    + ": use one of " + Protocol.ALL);
        }
        return reply;
    }

    private void tail(JsonNode request, Writer out) throws IOException {
        long from = request.path("from").asLong(Journal.BEFORE_FIRST);
        boolean follow = request.path("follow").asBoolean(false);
        try (JournalReader reader = scheduler.journal().readerAt(from)) {
            int idle = 0;
            while (!closing) {
                JournalEntry entry = reader.next();
                if (entry != null) {
                    out.write(Protocol.entryJson(entry));
                    out.write('\n');
                    idle = 0;
                    continue;
                }
                out.flush();
                if (!follow) {
                    return;
                }
                LockSupport.parkNanos(++idle < 100 ? 100_000 : 5_000_000);
            }
        } catch (dev.labq.store.StoreException e) {
            out.write(JSON.writeValueAsString(JSON.createObjectNode().put("ok", false)
                    .put("kind", LabqException.Kind.INVALID_INPUT.name()).put("message", e.getMessage())));
            out.write('\n');
            out.flush();
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
