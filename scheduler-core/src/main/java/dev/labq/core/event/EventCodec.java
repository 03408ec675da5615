package dev.labq.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.labq.core.LabqException;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobSpec;
import dev.labq.store.Journal;
import dev.labq.store.JournalEntry;
import dev.labq.store.journal.JournalRecordDescriptor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.LongFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Turns {@link JournalEvent}s into journal payloads and back: one type code per event, a JSON payload,
 * and a payload version so old journals stay readable when an event grows.
 */
public final class EventCodec {
    /** Version of the JSON payloads written now. */
    public static final int PAYLOAD_VERSION = 1;
    /**
     * Version 1's JSON, gzipped: how a block of jobs is written, as thousands of job specs repeat the same
     * keys and values (11,110 jobs: 4.6 MB of JSON) and one journal record holds at most
     * {@link JournalRecordDescriptor#MAX_PAYLOAD_LENGTH} bytes.
     */
    public static final int PAYLOAD_VERSION_GZIP = 2;

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
            JournalEvent.JobsSubmitted.class,   // 12
            JournalEvent.ArraySubmitted.class,  // 13
            JournalEvent.RequeueRequested.class,// 14
            JournalEvent.CheckpointCommitted.class, // 15
            JournalEvent.CheckpointQuarantined.class, // 16
            JournalEvent.CheckpointResumed.class, // 17
            JournalEvent.CheckpointDeleted.class, // 18
            JournalEvent.GpuDrained.class,      // 19
            JournalEvent.GpuResumed.class,      // 20
            JournalEvent.GpuFailed.class        // 21
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

    /**
     * Appends jobs submitted together under a block of job ids, the payload (gzipped) made for the block's
     * first id. A block too large for one record (checked with room to spare) is refused before anything is
     * written or any id taken: the journal makes the payload before it takes the ids.
     */
    public static Journal.Numbered appendJobs(Journal journal, long timestampMillis, int tasks,
                                                  LongFunction<JournalEvent.JobsSubmitted> forFirst) {
        return journal.appendNumberedBlock(typeOf(JournalEvent.JobsSubmitted.class), PAYLOAD_VERSION_GZIP,
                timestampMillis, tasks, first -> {
                    byte[] payload = gzip(encode(forFirst.apply(first)));
                    if (payload.length > JournalRecordDescriptor.MAX_PAYLOAD_LENGTH * 9 / 10) { // refused: no ids taken
                        throw new InvalidInputException("jobs", tasks + " at once", "their entry would take " + payload.length
                                + " bytes compressed, more than one journal record holds ("
                                + JournalRecordDescriptor.MAX_PAYLOAD_LENGTH + "); split them into smaller pipelines or files");
                    }
                    return payload;
                });
    }

    /** Appends a job array under a block of job ids, one per task: one small entry, whatever the array's size. */
    public static Journal.Numbered appendArray(Journal journal, long timestampMillis, JobSpec spec, ArraySpec array) {
        return journal.appendNumberedBlock(typeOf(JournalEvent.ArraySubmitted.class), PAYLOAD_VERSION,
                timestampMillis, array.size(), first -> encode(new JournalEvent.ArraySubmitted(JobId.of(first), spec, array)));
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 8 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e); // no I/O: a broken JDK
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream zip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return zip.readAllBytes();
        }
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
        if (entry.version() > PAYLOAD_VERSION_GZIP) {
            throw new LabqException(LabqException.Kind.STORAGE, "journal entry at index=" + entry.index()
                    + " has payload version=" + entry.version() + "; run a newer labq");
        }
        try {
            byte[] json = entry.version() == PAYLOAD_VERSION_GZIP ? gunzip(entry.payload()) : entry.payload();
            return JSON.readValue(json, TYPES.get(entry.type()));
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
