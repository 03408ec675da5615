package dev.labq.core.rpc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.*;

/** The wire format of scheduler.sock, byte for byte, without a socket. */
@Timeout(10)
class CommandFramesTest {

    private static byte[] invocationBytes(RemoteInvocation invocation) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CommandFrames.writeInvocation(new DataOutputStream(bytes), invocation);
        return bytes.toByteArray();
    }

    private static DataInputStream afterMagic(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        assertEquals(CommandFrames.MAGIC_0, in.readUnsignedByte());
        assertEquals(CommandFrames.MAGIC_1, in.readUnsignedByte());
        return in;
    }

    @Test
    void invocationRoundTripsArgsCwdUserZoneAndEnvironment() throws IOException {
        RemoteInvocation sent = new RemoteInvocation(List.of("submit", "-A", "research", "--", "python", "tränen.py", ""),
                "/home/ana/exp", "ana", "Asia/Kolkata", Map.of("LABQ_HOME", "/srv/labq", "EMPTY", ""));
        byte[] bytes = invocationBytes(sent);
        assertEquals('L', bytes[0]);
        assertEquals('Q', bytes[1]);
        assertEquals(CommandFrames.VERSION, bytes[2]);
        DataInputStream in = afterMagic(bytes);
        RemoteInvocation received = CommandFrames.readInvocation(in);
        assertEquals(sent, received);
        assertEquals(ZoneId.of("Asia/Kolkata"), received.zone());
        assertEquals(-1, in.read(), "nothing after the invocation");
    }

    @Test
    void everyKindOfZoneIdAClientsJvmReportsArrivesAsThatZone() throws IOException {
        // java.util.TimeZone's ids, as the thin client sends them: regions, custom offsets (TZ=CET-1CEST gives
        // GMT+01:00), and the old three-letter ids, which need ZoneId's SHORT_IDS.
        Map<String, ZoneId> ids = new LinkedHashMap<>();
        ids.put("Europe/Berlin", ZoneId.of("Europe/Berlin"));
        ids.put("UTC", ZoneId.of("UTC"));
        ids.put("GMT+01:00", ZoneId.of("GMT+01:00"));
        ids.put("PST", ZoneId.of("America/Los_Angeles"));
        ids.put(TimeZone.getDefault().getID(), ZoneId.systemDefault()); // this machine's, whatever it is
        for (Map.Entry<String, ZoneId> id : ids.entrySet()) {
            RemoteInvocation sent = new RemoteInvocation(List.of("submit"), "/w", "ana", id.getKey(), Map.of());
            RemoteInvocation received = CommandFrames.readInvocation(afterMagic(invocationBytes(sent)));
            assertEquals(id.getKey(), received.zoneId());
            assertEquals(id.getValue().getRules(), received.zone().getRules(), id::toString);
        }
    }

    @Test
    void zoneTheSchedulerDoesNotKnowIsRefusedWithAMessageNamingIt() throws IOException {
        byte[] bytes = invocationBytes(new RemoteInvocation(List.of("submit"), "/w", "ana", "Mars/Olympus_Mons", Map.of()));
        DataInputStream in = afterMagic(bytes);
        CommandFrames.Refusal e = assertThrows(CommandFrames.Refusal.class, () -> CommandFrames.readInvocation(in));
        assertTrue(e.getMessage().contains("'Mars/Olympus_Mons'") && e.getMessage().contains("TZ"), e.getMessage());
        assertEquals(-1, in.read(), "the whole invocation was read, so the answer is not mixed with its bytes");
    }

    @Test
    void environmentValuesLargerThan64KiBRoundTrip() throws IOException {
        String big = "x".repeat(200_000); // writeUTF would refuse this, and every forwarded command with it
        RemoteInvocation sent = new RemoteInvocation(List.of("stat", big), "/w", "ana", "UTC", Map.of("HUGE", big));
        assertEquals(sent, CommandFrames.readInvocation(afterMagic(invocationBytes(sent))));
    }

    @Test
    void impossibleStringLengthIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(CommandFrames.VERSION);
        out.writeInt(1);
        out.writeInt(-5);
        IOException e = assertThrows(IOException.class,
                () -> CommandFrames.readInvocation(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("-5 bytes"), e.getMessage());
    }

    @Test
    void emptyInvocationRoundTrips() throws IOException {
        RemoteInvocation sent = new RemoteInvocation(List.of(), "", "", "UTC", Map.of());
        assertEquals(sent, CommandFrames.readInvocation(afterMagic(invocationBytes(sent))));
    }

    @Test
    void clientOfAnotherVersionIsRefusedWithAMessageNamingBoth() throws IOException {
        byte[] bytes = invocationBytes(new RemoteInvocation(List.of("stat"), "/", "ana", "UTC", Map.of()));
        bytes[2] = (byte) (CommandFrames.VERSION + 1);
        IOException e = assertThrows(IOException.class, () -> CommandFrames.readInvocation(afterMagic(bytes)));
        assertTrue(e.getMessage().contains("version " + (CommandFrames.VERSION + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("same labq build"), e.getMessage());
    }

    @Test
    void invocationCopiesItsArgumentsAndEnvironment() {
        List<String> args = new ArrayList<>(List.of("stat"));
        Map<String, String> env = new HashMap<>(Map.of("A", "1"));
        RemoteInvocation invocation = new RemoteInvocation(args, "/", "ana", "UTC", env);
        args.add("-a");
        env.put("B", "2");
        assertEquals(List.of("stat"), invocation.args());
        assertEquals(Map.of("A", "1"), invocation.env());
        assertThrows(UnsupportedOperationException.class, () -> invocation.args().add("x"));
    }

    @Test
    void framesAndExitAreRelayedToTheRightStreamsInOrder() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        OutputStream stdout = CommandFrames.frames(out, CommandFrames.OUT);
        OutputStream stderr = CommandFrames.frames(out, CommandFrames.ERR);
        stdout.write("job 7 submitted\n".getBytes(StandardCharsets.UTF_8));
        stderr.write('!');
        stderr.write("warning\n".getBytes(StandardCharsets.UTF_8), 0, 8);
        stdout.write("done".getBytes(StandardCharsets.UTF_8), 0, 4);
        stdout.flush();
        stderr.flush();
        CommandFrames.writeExit(out, 5);

        ByteArrayOutputStream gotOut = new ByteArrayOutputStream();
        ByteArrayOutputStream gotErr = new ByteArrayOutputStream();
        int code = CommandFrames.relay(new DataInputStream(new ByteArrayInputStream(wire.toByteArray())), gotOut, gotErr);
        assertEquals(5, code);
        assertEquals("job 7 submitted\ndone", gotOut.toString(StandardCharsets.UTF_8));
        assertEquals("!warning\n", gotErr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void framesLargerThanTheRelayBufferArriveWhole() throws IOException {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 'x');
        big[big.length - 1] = 'y';
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        CommandFrames.frames(out, CommandFrames.OUT).write(big);
        CommandFrames.writeExit(out, 0);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertEquals(0, CommandFrames.relay(new DataInputStream(new ByteArrayInputStream(wire.toByteArray())),
                got, OutputStream.nullOutputStream()));
        assertArrayEquals(big, got.toByteArray());
    }

    @Test
    void connectionEndingMidFrameIsAnErrorNotASilentSuccess() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        CommandFrames.frames(new DataOutputStream(wire), CommandFrames.OUT).write(new byte[100]);
        byte[] cut = Arrays.copyOf(wire.toByteArray(), 50);
        EOFException e = assertThrows(EOFException.class, () -> CommandFrames.relay(
                new DataInputStream(new ByteArrayInputStream(cut)), new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("mid-frame"), e.getMessage());
    }

    @Test
    void connectionEndingWithoutAnExitFrameIsAnError() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        CommandFrames.frames(new DataOutputStream(wire), CommandFrames.OUT).write("partial".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThrows(EOFException.class, () -> CommandFrames.relay(
                new DataInputStream(new ByteArrayInputStream(wire.toByteArray())), got, new ByteArrayOutputStream()));
        assertEquals("partial", got.toString(StandardCharsets.UTF_8), "what arrived before the end is still shown");
    }
}
