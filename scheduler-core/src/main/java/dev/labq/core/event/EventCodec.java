package dev.labq.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.labq.core.LabqException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;

import java.io.IOException;
import java.util.List;

/**
 * Turns {@link JournalEvent}s into journal payloads and back: one type code per event, a JSON payload,
 * and a payload version so old journals stay readable when an event grows.
 */
public final class EventCodec {
    /** Version of the JSON payloads written now. */
    public static final int PAYLOAD_VERSION = 1;

    private static final List<Class<? extends JournalEvent>> TYPES = List.of(
            JournalEvent.Submitted.class,       // 0
            JournalEvent.Held.class,            // 1
            JournalEvent.Released.class,        // 2
            JournalEvent.CancelRequested.class, // 3
            JournalEvent.Dispatched.class,      // 4
            JournalEvent.Started.class,         // 5
            JournalEvent.Finished.class,        // 6
            JournalEvent.SchedulerStarted.class,// 7
            JournalEvent.SchedulerStopped.class,// 8
            JournalEvent.Requeued.class,        // 9
            JournalEvent.Altered.class,         // 10
            JournalEvent.ProjectSet.class,      // 11
            JournalEvent.PipelineSubmitted.class // 12
    );

    private static final ObjectMapper JSON = Json.mapper();

    private EventCodec() {
    }

    public static int typeOf(JournalEvent event) {
        return TYPES.indexOf(event.getClass());
    }

    public static int typeOf(Class<? extends JournalEvent> type) {
        return TYPES.indexOf(type);
    }

    public static String typeName(int type) {
        return type >= 0 && type < TYPES.size() ? TYPES.get(type).getSimpleName() : "Unknown" + type;
    }

    /** Appends {@code event} to {@code journal} as of {@code timestampMillis}; returns its index. */
    public static long append(Journal journal, long timestampMillis, JournalEvent event) {
        return journal.append(typeOf(event), PAYLOAD_VERSION, timestampMillis, encode(event));
    }

    /** Appends a submission under the next job id; the payload is made for that id. */
    public static Journal.Numbered appendSubmission(Journal journal, long timestampMillis, JobSpec spec) {
        return journal.appendNumbered(typeOf(JournalEvent.Submitted.class), PAYLOAD_VERSION, timestampMillis,
                n -> encode(new JournalEvent.Submitted(JobId.of(n), spec)));
    }

    /** Appends a pipeline's tasks under a block of job ids, the payload made for the block's first id. */
    public static Journal.Numbered appendPipeline(Journal journal, long timestampMillis, int tasks,
                                                  java.util.function.LongFunction<JournalEvent.PipelineSubmitted> forFirst) {
        return journal.appendNumberedBlock(typeOf(JournalEvent.PipelineSubmitted.class), PAYLOAD_VERSION, timestampMillis,
                tasks, first -> encode(forFirst.apply(first)));
    }

    public static byte[] encode(JournalEvent event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }

    public static JournalEvent decode(JournalEntry entry) {
        if (entry.type() >= TYPES.size()) {
            throw new LabqException(LabqException.Kind.STORAGE, "journal entry at index=" + entry.index()
                    + " has type=" + entry.type() + " that this build does not know; run a newer labq");
        }
        if (entry.version() > PAYLOAD_VERSION) {
            throw new LabqException(LabqException.Kind.STORAGE, "journal entry at index=" + entry.index()
                    + " has payload version=" + entry.version() + "; run a newer labq");
        }
        try {
            return JSON.readValue(entry.payload(), TYPES.get(entry.type()));
        } catch (IOException e) {
            throw new LabqException(LabqException.Kind.STORAGE, "journal entry at index=" + entry.index()
                    + " cannot be decoded (" + e.getMessage() + "); the journal is damaged", e);
        }
    }

    /** One journal entry as a JSON line, as `labq tail` prints it: index, type name, time, and the event. */
    public static String toJsonLine(JournalEntry entry) {
        com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode()
                .put("index", entry.index())
                .put("type", typeName(entry.type()))
                .put("time", java.time.Instant.ofEpochMilli(entry.timestampMillis()).toString());
        node.set("event", JSON.valueToTree(decode(entry)));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode entry " + entry.index(), e);
        }
    }

    /** The JSON settings shared by the journal, the views and the socket protocol. */
    public static final class Json {
        private Json() {
        }

        public static ObjectMapper mapper() {
            return new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
        }
    }
}
