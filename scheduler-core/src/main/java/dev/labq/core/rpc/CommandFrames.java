package dev.labq.core.rpc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format on {@code scheduler.sock}. Uses java.base only, so the thin client that speaks it loads
 * nothing else.
 *
 * <pre>
 *   client -&gt; scheduler:  'L' 'Q' version(u8)  args  cwd  user  zone  env
 *                         strings = length(i32) then UTF-8 bytes (any length: environments can be large)
 *                         args = count(i32) then strings; env = count(i32) then key, value string pairs
 *                         user = what the client says it is (the scheduler believes the socket instead)
 *                         zone = the client's time zone id (TimeZone's: Europe/Berlin, GMT+01:00, PST)
 *   scheduler -&gt; client:  frames: kind(u8) length(i32) bytes, kind OUT=1 or ERR=2;
 *                         then kind EXIT=3 with length 4 and the exit code (i32), and the socket closes
 * </pre>
 */
public final class CommandFrames {
    public static final int MAGIC_0 = 'L';
    public static final int MAGIC_1 = 'Q';
    /** 3: the client's time zone after its user. */
    public static final int VERSION = 3;
    private static final int MAX_STRING_BYTES = 64 << 20;
    public static final int OUT = 1;
    public static final int ERR = 2;
    public static final int EXIT = 3;

    private CommandFrames() {
    }

    public static void writeInvocation(DataOutputStream out, RemoteInvocation invocation) throws IOException {
        out.writeByte(MAGIC_0);
        out.writeByte(MAGIC_1);
        out.writeByte(VERSION);
        out.writeInt(invocation.args().size());
        for (String arg : invocation.args()) {
            writeString(out, arg);
        }
        writeString(out, invocation.cwd());
        writeString(out, invocation.user());
        writeString(out, invocation.zoneId());
        out.writeInt(invocation.env().size());
        for (Map.Entry<String, String> e : invocation.env().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
        out.flush();
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("a string of " + length + " bytes; the client is not speaking this protocol");
        }
        return new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads an invocation; the caller has checked the two magic bytes. */
    public static RemoteInvocation readInvocation(DataInputStream in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new VersionMismatch("this client speaks protocol version " + version + " and the scheduler "
                    + VERSION + "; run the same labq build on both sides");
        }
        int argc = in.readInt();
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            args.add(readString(in));
        }
        String cwd = readString(in);
        String user = readString(in);
        String zone = readString(in);
        int envc = in.readInt();
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < envc; i++) {
            env.put(readString(in), readString(in));
        }
        RemoteInvocation invocation = new RemoteInvocation(args, cwd, user, zone, env);
        try {
            invocation.zone();
        } catch (DateTimeException e) {
            throw new Refusal("this client's time zone '" + zone + "' is unknown to the scheduler's JDK ("
                    + e.getMessage() + "); run both with the same JDK, or set TZ to a zone it knows, such as UTC");
        }
        return invocation;
    }

    /** An output stream that sends each write as one frame of {@code kind}. */
    public static OutputStream frames(DataOutputStream out, int kind) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (out) {
                    out.writeByte(kind);
                    out.writeInt(len);
                    out.write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                synchronized (out) {
                    out.flush();
                }
            }
        };
    }

    /** An invocation the scheduler cannot run as sent; it answers with this message and a usage error. */
    public static class Refusal extends IOException {
        Refusal(String message) {
            super(message);
        }
    }

    /** The client speaks another version of this format. */
    public static final class VersionMismatch extends Refusal {
        VersionMismatch(String message) {
            super(message);
        }
    }

    public static void writeExit(DataOutputStream out, int code) throws IOException {
        synchronized (out) {
            out.writeByte(EXIT);
            out.writeInt(Integer.BYTES);
            out.writeInt(code);
            out.flush();
        }
    }

    /**
     * Copies frames to {@code stdout}/{@code stderr} until the exit frame and returns its code.
     * Throws when the connection ends without one.
     */
    public static int relay(DataInputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] buffer = new byte[8192];
        while (true) {
            int kind = in.readUnsignedByte();
            int length = in.readInt();
            if (kind == EXIT) {
                return in.readInt();
            }
            OutputStream target = kind == OUT ? stdout : stderr;
            while (length > 0) {
                int n = in.read(buffer, 0, Math.min(buffer.length, length));
                if (n < 0) {
                    throw new java.io.EOFException("the scheduler closed the connection mid-frame");
                }
                target.write(buffer, 0, n);
                length -= n;
            }
            target.flush();
        }
    }
}
