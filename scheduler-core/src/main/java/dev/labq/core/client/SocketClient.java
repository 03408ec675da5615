package dev.labq.core.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.rpc.Protocol;
import dev.labq.core.state.JobStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;

/** {@link LabqClient} over the running scheduler's socket ({@link Protocol}). */
final class SocketClient implements LabqClient {
    private static final ObjectMapper JSON = EventCodec.Json.mapper();
    private final LabqHome home;

    private SocketClient(LabqHome home) {
        this.home = home;
    }

    /** A client if a scheduler answers a ping on the home's socket, else null. */
    static SocketClient tryConnect(LabqHome home) {
        if (!Files.exists(home.socket())) {
            return null;
        }
        SocketClient client = new SocketClient(home);
        try {
            client.call(JSON.createObjectNode().put("op", Protocol.PING));
            return client;
        } catch (UncheckedIOException e) {
            return null; // a stale socket file: no scheduler behind it
        }
    }

    @Override
    public boolean viaScheduler() {
        return true;
    }

    @Override
    public JobId submit(JobSpec spec) {
        ObjectNode request = JSON.createObjectNode().put("op", Protocol.SUBMIT);
        request.set("spec", JSON.valueToTree(spec));
        return JobId.of(call(request).path("job").asLong());
    }

    @Override
    public void hold(JobId job) {
        call(JSON.createObjectNode().put("op", Protocol.HOLD).put("job", job.value()));
    }

    @Override
    public void release(JobId job) {
        call(JSON.createObjectNode().put("op", Protocol.RELEASE).put("job", job.value()));
    }

    @Override
    public void cancel(JobId job) {
        call(JSON.createObjectNode().put("op", Protocol.CANCEL).put("job", job.value()));
    }

    @Override
    public List<JobStatus> stat(List<JobId> ids) {
        ObjectNode request = JSON.createObjectNode().put("op", Protocol.STAT);
        ids.forEach(id -> request.withArray("ids").add(id.value()));
        JsonNode reply = call(request);
        return JSON.convertValue(reply.get("jobs"), new TypeReference<List<JobStatus>>() { });
    }

    @Override
    public void tail(long fromIndex, boolean follow, Consumer<String> lines) {
        ObjectNode request = JSON.createObjectNode().put("op", Protocol.TAIL).put("from", fromIndex).put("follow", follow);
        try (SocketChannel channel = open();
             BufferedReader in = send(channel, request)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("{\"ok\":false")) {
                    throw failure(JSON.readTree(line));
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(ObjectNode request) {
        try (SocketChannel channel = open();
             BufferedReader in = send(channel, request)) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the scheduler closed the connection without answering");
            }
            JsonNode reply = JSON.readTree(line);
            if (!reply.path("ok").asBoolean()) {
                throw failure(reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SocketChannel open() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(home.socket()));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static BufferedReader send(SocketChannel channel, ObjectNode request) throws IOException {
        byte[] bytes = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** Rebuilds the scheduler's error on this side, keeping its kind (and so the CLI's exit code). */
    private static LabqException failure(JsonNode reply) {
        String message = reply.path("message").asText();
        LabqException.Kind kind = LabqException.Kind.valueOf(reply.path("kind").asText(LabqException.Kind.STORAGE.name()));
        return new LabqException(kind, message);
    }

    @Override
    public void close() {
        // one connection per call: nothing held
    }
}
