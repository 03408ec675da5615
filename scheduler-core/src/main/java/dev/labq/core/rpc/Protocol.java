package dev.labq.core.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.event.EventCodec;
import dev.labq.store.JournalEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The messages on {@code scheduler.sock}. A client writes one JSON object on one line and reads the answer:
 *
 * <pre>
 *   {"op":"ping"}                          -&gt; {"ok":true,"pid":N}
 *   {"op":"submit","spec":{JobSpec}}       -&gt; {"ok":true,"job":N}
 *   {"op":"hold"|"release"|"cancel","job":N} -&gt; {"ok":true}
 *   {"op":"stat","ids":[N...]}             -&gt; {"ok":true,"jobs":[JobStatus...]}   (all jobs when ids is empty)
 *   {"op":"tail","from":I,"follow":B}       -&gt; one entry per line (see {@link #entryJson}), closed at the end
 *   any failure                            -&gt; {"ok":false,"kind":"INVALID_INPUT|UNKNOWN_JOB|...","message":"..."}
 * </pre>
 */
public final class Protocol {
    public static final String PING = "ping";
    public static final String SUBMIT = "submit";
    public static final String HOLD = "hold";
    public static final String RELEASE = "release";
    public static final String CANCEL = "cancel";
    public static final String STAT = "stat";
    public static final String TAIL = "tail";
    static final List<String> ALL = List.of(PING, SUBMIT, HOLD, RELEASE, CANCEL, STAT, TAIL);

    private static final ObjectMapper JSON = EventCodec.Json.mapper();

    private Protocol() {
    }

    /** One journal entry as a JSON line: index, type name, time, and the event itself. */
    public static String entryJson(JournalEntry entry) {
        ObjectNode node = JSON.createObjectNode()
                .put("index", entry.index())
                .put("type", EventCodec.typeName(entry.type()))
                .put("time", Instant.ofEpochMilli(entry.timestampMillis()).toString());
        node.set("event", JSON.valueToTree(EventCodec.decode(entry)));
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
