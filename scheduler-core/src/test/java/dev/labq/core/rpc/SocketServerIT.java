package dev.labq.core.rpc;

import dev.labq.core.JobHandle;
import dev.labq.core.LabqScheduler;
import dev.labq.core.client.InProcessClient;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.testkit.JobFutures;
import dev.labq.core.testkit.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** Client command lines over scheduler.sock, against a real scheduler on a real home. */
@Timeout(60)
class SocketServerIT {
    @TempDir
    Path home;

    private LabqScheduler serving(Function<LabqScheduler, RemoteCommands> commands) {
        return LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0).serveCommands(commands).start();
    }

    private static RemoteInvocation invocation(String... args) {
        return new RemoteInvocation(List.of(args), "/home/ana/exp", "ana", "Europe/Berlin", Map.of("LABQ_HOME", "/srv/labq"));
    }

    /** The OS user this test runs as, as the kernel knows it (the owner of a file it creates). */
    private static String osUser() throws IOException {
        Path probe = Files.createTempFile("labq-owner", "");
        try {
            return Files.getOwner(probe).getName();
        } finally {
            Files.delete(probe);
        }
    }

    /** What a client got back: the exit code and everything written to its stdout and stderr. */
    private record Reply(int exitCode, String out, String err) {
    }

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    /** Does what the launcher's thin client does. */
    private static Reply call(Path socket, RemoteInvocation invocation) throws IOException {
        try (SocketChannel channel = connect(socket)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            CommandFrames.writeInvocation(out, invocation);
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int code = CommandFrames.relay(in, stdout, stderr);
            return new Reply(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        }
    }

    private static RemoteCommands echo() {
        return (inv, out, err) -> {
            out.print("args=" + inv.args());
            return 0;
        };
    }

    @Test
    void invocationArrivesWithItsContextAndOutputAndExitCodeComeBack() throws Exception {
        CompletableFuture<RemoteInvocation> received = new CompletableFuture<>();
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            received.complete(inv);
            out.println("to stdout é");
            err.println("to stderr");
            out.print("more");
            return 3;
        })) {
            RemoteInvocation sent = invocation("stat", "-a", "--json");
            Reply reply = call(labq.home().socket(), sent);
            assertEquals(new Reply(3, "to stdout é\nmore", "to stderr\n"), reply);
            assertEquals(sent.withUser(osUser()), received.get(10, TimeUnit.SECONDS));
            assertEquals(ZoneId.of("Europe/Berlin"), received.get().zone());
        }
    }

    @Test
    void commandRunsAsTheClientsOsUserWhateverUserTheClientClaims() throws Exception {
        String me = osUser();
        List<RemoteInvocation> received = new CopyOnWriteArrayList<>();
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            received.add(inv);
            out.print(inv.user());
            return 0;
        })) {
            for (String claimed : List.of("root".equals(me) ? "nobody" : "root", "", me)) {
                RemoteInvocation sent = new RemoteInvocation(List.of("submit", "--", "true"), "/tmp", claimed, "UTC", Map.of());
                assertEquals(new Reply(0, me, ""), call(labq.home().socket(), sent), () -> "claimed user=" + claimed);
            }
        }
        assertEquals(3, received.size());
        assertTrue(received.stream().allMatch(inv -> inv.user().equals(me)), received::toString);
    }

    @Test
    void clientInAZoneTheSchedulersJdkDoesNotKnowIsToldSoAndNothingRuns() throws Exception {
        CompletableFuture<RemoteInvocation> received = new CompletableFuture<>();
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            received.complete(inv);
            return 0;
        })) {
            Reply reply = call(labq.home().socket(),
                    new RemoteInvocation(List.of("submit", "--", "true"), "/tmp", "ana", "Mars/Olympus_Mons", Map.of()));
            assertEquals(2, reply.exitCode(), reply::toString);
            assertTrue(reply.err().contains("Mars/Olympus_Mons") && reply.err().contains("TZ"), reply::toString);
            assertFalse(received.isDone(), "nothing is run in a zone nobody can read");
            assertEquals(0, call(labq.home().socket(), invocation("stat")).exitCode());
        }
    }

    @Test
    void commandRunsInsideTheSchedulerAndItsChangeIsDurableWhenTheExitCodeArrives() throws Exception {
        JobFutures jobs = new JobFutures();
        try (LabqScheduler labq = LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0).listener(jobs)
                .serveCommands(s -> (inv, out, err) -> {
                    JobId id = new InProcessClient(s).submit(JobSpec.process("default", inv.user(),
                            inv.args().toArray(String[]::new)).workdir(inv.cwd()).build());
                    out.println(id);
                    return 0;
                }).start()) {
            Reply reply = call(labq.home().socket(), new RemoteInvocation(List.of("sh", "-c", "pwd"),
                    home.toString(), "bea", "UTC", Map.of()));
            assertEquals(0, reply.exitCode());
            JobId id = JobId.parse(reply.out());
            assertEquals(osUser(), labq.job(id).spec().user(), "the job is known as soon as the client has its id");
            assertEquals(JobState.COMPLETED, jobs.terminal(id).get(30, TimeUnit.SECONDS).state());
            assertEquals(home.toRealPath() + "\n", Files.readString(labq.home().logs().resolve(id + ".out")));
        }
    }

    @Test
    void largeOutputArrivesWhole() throws Exception {
        String line = "0123456789".repeat(10) + "\n";
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            for (int i = 0; i < 2_000; i++) {
                out.print(line);
            }
            return 0;
        })) {
            Reply reply = call(labq.home().socket(), invocation("tail"));
            assertEquals(0, reply.exitCode());
            assertEquals(line.repeat(2_000), reply.out());
        }
    }

    @Test
    void handlerThatThrowsGivesExitCode1AndTheMessageOnStderr() throws Exception {
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            out.print("partial ");
            throw new IllegalStateException("boom in " + inv.args().get(0));
        })) {
            Reply reply = call(labq.home().socket(), invocation("stat"));
            assertEquals(1, reply.exitCode());
            assertEquals("partial ", reply.out());
            assertTrue(reply.err().contains("internal error in the scheduler"), reply.err());
            assertTrue(reply.err().contains("IllegalStateException: boom in stat"), reply.err());
        }
    }

    @Test
    void connectionWithoutTheMagicIsDroppedAndTheServerKeepsServing() throws Exception {
        CompletableFuture<RemoteInvocation> received = new CompletableFuture<>();
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            received.complete(inv);
            return 0;
        })) {
            try (SocketChannel stranger = connect(labq.home().socket())) {
                stranger.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                InputStream in = Channels.newInputStream(stranger);
                assertEquals(-1, in.read(), "the server closes the connection without answering");
            }
            assertFalse(received.isDone(), "nothing was run for a stranger");
            assertEquals(0, call(labq.home().socket(), invocation("stat")).exitCode());
        }
    }

    @Test
    void clientOfAnotherVersionIsToldSoAndNothingRuns() throws Exception {
        CompletableFuture<RemoteInvocation> received = new CompletableFuture<>();
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            received.complete(inv);
            return 0;
        })) {
            try (SocketChannel channel = connect(labq.home().socket())) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CommandFrames.writeInvocation(new DataOutputStream(bytes), invocation("del", "3"));
                byte[] wire = bytes.toByteArray();
                wire[2] = (byte) (CommandFrames.VERSION + 1);
                channel.write(ByteBuffer.wrap(wire));
                DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                assertEquals(2, CommandFrames.relay(in, new ByteArrayOutputStream(), err), "a usage error, not success");
                assertTrue(err.toString().contains("protocol version " + (CommandFrames.VERSION + 1)), err::toString);
            }
            assertFalse(received.isDone(), "a command of another version is never run");
            assertEquals(0, call(labq.home().socket(), invocation("stat")).exitCode());
        }
    }

    @Test
    void slowCommandDoesNotBlockOtherClients() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LabqScheduler labq = serving(s -> (inv, out, err) -> {
            if (inv.args().contains("--follow")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.print(inv.args().get(0));
            return 0;
        })) {
            CompletableFuture<Reply> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return call(labq.home().socket(), invocation("tail", "--follow"));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(new Reply(0, "stat", ""), call(labq.home().socket(), invocation("stat")));
            assertFalse(slow.isDone());
            release.countDown();
            assertEquals(new Reply(0, "tail", ""), slow.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void staleSocketFileOfAStoppedSchedulerIsReplacedAtStart() throws Exception {
        Files.createDirectories(home);
        Path socket = home.resolve("scheduler.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "a closed server leaves its socket file behind");
        assertThrows(IOException.class, () -> connect(socket).close(), "nobody answers on a stale socket");
        try (LabqScheduler labq = serving(s -> echo())) {
            assertEquals(new Reply(0, "args=[stat]", ""), call(labq.home().socket(), invocation("stat")));
        }
    }

    @Test
    void socketFileIsRemovedWhenTheSchedulerCloses() throws Exception {
        Path socket;
        try (LabqScheduler labq = serving(s -> echo())) {
            socket = labq.home().socket();
            assertTrue(Files.exists(socket));
        }
        assertFalse(Files.exists(socket), "clients then use the journal directly");
    }

    @Test
    void schedulerWithoutServeCommandsOpensNoSocket() {
        try (LabqScheduler labq = LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0).start()) {
            assertFalse(Files.exists(labq.home().socket()));
        }
    }

    @Test
    void homeWhoseSocketPathIsTooLongStillSchedulesWithoutASocket() throws Exception {
        home = home.resolve("h".repeat(120)); // past the ~108-byte limit of a Unix socket path
        try (LabqScheduler labq = serving(s -> echo())) {
            assertFalse(Files.exists(labq.home().socket()));
            JobHandle job = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, job.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }
}
