package dev.labq.store.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a checkpoint holds, written as its {@code MANIFEST} when it is committed: text, one line per fact, ending
 * with the CRC-32C of all the lines before it, so a torn or altered manifest is told from a valid one.
 *
 * <pre>
 *   labq-checkpoint 1
 *   provider filesystem
 *   owner 12
 *   number 3
 *   created 1767225600000
 *   file 1048576 1a2b3c4d state/model.bin      (size, CRC-32C, path under the staging directory)
 *   chunk 9f86d081...                          (chunked provider: the file's chunks, in order)
 *   end 5e6f7a8b
 * </pre>
 */
record Manifest(String provider, String owner, long number, long createdMillis, List<Entry> files) {
    static final String NAME = "MANIFEST";
    private static final String MAGIC = "labq-checkpoint 1";

    /** One file: its path (with {@code /}), size, CRC-32C, and for the chunked provider its chunks' SHA-256. */
    record Entry(String path, long size, int crc32c, List<String> chunks) {
        Entry {
            chunks = List.copyOf(chunks);
        }
    }

    Manifest {
        files = List.copyOf(files);
    }

    long bytes() {
        long sum = 0;
        for (Entry e : files) {
            sum += e.size;
        }
        return sum;
    }

    byte[] encode() {
        StringBuilder text = new StringBuilder(64 + files.size() * 48);
        text.append(MAGIC).append('\n')
                .append("provider ").append(provider).append('\n')
                .append("owner ").append(owner).append('\n')
                .append("number ").append(number).append('\n')
                .append("created ").append(createdMillis).append('\n');
        for (Entry e : files) {
            text.append("file ").append(e.size).append(' ').append(hex(e.crc32c)).append(' ').append(e.path).append('\n');
            for (String chunk : e.chunks) {
                text.append("chunk ").append(chunk).append('\n');
            }
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        String end = "end " + hex(crc(body, body.length)) + "\n";
        byte[] all = new byte[body.length + end.length()];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(end.getBytes(StandardCharsets.US_ASCII), 0, all, body.length, end.length());
        return all;
    }

    /** The manifest's own checksum: the {@code end} line's. */
    static String checksumOf(byte[] encoded) {
        return hex(crc(encoded, lastLineStart(encoded)));
    }

    /** Reads a manifest; an {@link IllegalArgumentException} saying what is wrong with it. */
    static Manifest decode(byte[] bytes) {
        int bodyLength = lastLineStart(bytes);
        String last = new String(bytes, bodyLength, bytes.length - bodyLength, StandardCharsets.US_ASCII).strip();
        if (!last.equals("end " + hex(crc(bytes, bodyLength)))) {
            throw new IllegalArgumentException("its checksum does not match (torn or altered)");
        }
        String[] lines = new String(bytes, 0, bodyLength, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 5 || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException("it is not a labq checkpoint manifest");
        }
        try {
            String provider = value(lines[1], "provider");
            String owner = value(lines[2], "owner");
            long number = Long.parseLong(value(lines[3], "number"));
            long created = Long.parseLong(value(lines[4], "created"));
            List<Entry> files = new ArrayList<>();
            for (int i = 5; i < lines.length; ) {
                String[] f = lines[i++].split(" ", 4);
                if (f.length != 4 || !f[0].equals("file")) {
                    throw new IllegalArgumentException("line " + i + " is not a file line");
                }
                List<String> chunks = new ArrayList<>();
                while (i < lines.length && lines[i].startsWith("chunk ")) {
                    chunks.add(lines[i++].substring(6));
                }
                files.add(new Entry(f[3], Long.parseLong(f[1]), Integer.parseUnsignedInt(f[2], 16), chunks));
            }
            return new Manifest(provider, owner, number, created, files);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number in it does not parse (" + e.getMessage() + ")");
        }
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + " ")) {
            throw new IllegalArgumentException("expected " + key + ", found '" + line + "'");
        }
        return line.substring(key.length() + 1);
    }

    private static int lastLineStart(byte[] bytes) {
        int end = bytes.length - 1;
        while (end >= 0 && bytes[end] == '\n') {
            end--;
        }
        int start = end;
        while (start > 0 && bytes[start - 1] != '\n') {
            start--;
        }
        return Math.max(start, 0);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    static String hex(int value) {
        return HexFormat.of().toHexDigits(value);
    }
}
