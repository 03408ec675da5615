package dev.labq.core.event;

import dev.labq.core.LabqException;
import dev.labq.core.domain.Allocation;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.DecidedBy;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobKind;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent.CancelRequested;
import dev.labq.core.event.JournalEvent.Dispatched;
import dev.labq.core.event.JournalEvent.Finished;
import dev.labq.core.event.JournalEvent.Held;
import dev.labq.core.event.JournalEvent.Released;
import dev.labq.core.event.JournalEvent.SchedulerStarted;
import dev.labq.core.event.JournalEvent.SchedulerStopped;
import dev.labq.core.event.JournalEvent.Started;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.store.JournalEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {
    private static final JobId J = JobId.of(42);

    static Stream<JournalEvent> everyEventType() {
        JobSpec full = new JobSpec("sweep", JobKind.PROCESS, List.of("python", "-c", "print(1)"), true,
                Map.of("SEED", "7", "MODE", "fast"), "/work/w", "research", "ada", new Resources(4, 8192, 2, "t4"),
                700, 1_800_000_000_000L, 3600L, List.of(JobId.of(40), JobId.of(41)), true);
        JobSpec minimal = JobSpec.task("embed", "default", "bob").build();
        JobSpec nice = JobSpec.process("research", "ada", "train").nice(250).build();
        return Stream.of(
                new Submitted(J, full),
                new Submitted(JobId.of(43), minimal),
                new Submitted(JobId.of(44), nice),
                new Submitted(JobId.of(45), JobSpec.process("research", "ada", "train").retries(3).build()),
                new Held(J),
                new Released(J),
                new CancelRequested(J),
                new Dispatched(J, 3, new Allocation(4, 8192, List.of(1, 2))),
                new Dispatched(J, 1, new Allocation(1, 0, List.of())),
                new Dispatched(J, 2, new Allocation(2, 1024, List.of(0)), new DecidedBy("multifactor@1", 2012.5,
                        Map.of("importance", 500.0, "age", 12.5, "fairshare", 1500.0), true)),
                new Started(J, 3, 4242, 1_700_000_000_123L),
                new Finished(J, 3, JobState.FAILED, 137, "Killed"),
                new Finished(J, 1, JobState.COMPLETED, 0, null),
                new SchedulerStarted(999),
                new SchedulerStopped(999),
                new JournalEvent.Requeued(JobId.of(7), 2, "NodeFail: process 4242 was gone"),
                new JournalEvent.Altered(J, new Alteration(1_800_000_000_000L, 7, 600L, 100)),
                new JournalEvent.Altered(J, new Alteration(null, null, 60L, null)),
                new JournalEvent.ProjectSet("research", null, 80, 2.5),
                new JournalEvent.ProjectSet("research", "ada", null, 0.5),
                new Held(J, true),
                new Released(J, true),
                new CancelRequested(J, true),
                new JournalEvent.RequeueRequested(J, false),
                new JournalEvent.RequeueRequested(J, true),
                new JournalEvent.ArraySubmitted(J, nice, dev.labq.core.domain.ArraySpec.parse("0-99:3,200%5")));
    }

    private static JournalEntry entry(long index, JournalEvent event) {
        return new JournalEntry(index, EventCodec.typeOf(event), EventCodec.PAYLOAD_VERSION, 1_000L,
                EventCodec.encode(event));
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    void roundTripsEveryEventType(JournalEvent event) {
        assertEquals(event, EventCodec.decode(entry(7, event)));
    }

    @Test
    void everyEventTypeHasItsOwnStableCode() {
        assertEquals(0, EventCodec.typeOf(Submitted.class));
        assertEquals(1, EventCodec.typeOf(Held.class));
        assertEquals(2, EventCodec.typeOf(Released.class));
        assertEquals(3, EventCodec.typeOf(CancelRequested.class));
        assertEquals(4, EventCodec.typeOf(Dispatched.class));
        assertEquals(5, EventCodec.typeOf(Started.class));
        assertEquals(6, EventCodec.typeOf(Finished.class));
        assertEquals(7, EventCodec.typeOf(SchedulerStarted.class));
        assertEquals(8, EventCodec.typeOf(SchedulerStopped.class));
        assertEquals(9, EventCodec.typeOf(JournalEvent.Requeued.class));
        assertEquals(10, EventCodec.typeOf(JournalEvent.Altered.class));
        assertEquals(11, EventCodec.typeOf(JournalEvent.ProjectSet.class));
        assertEquals(12, EventCodec.typeOf(JournalEvent.JobsSubmitted.class));
        assertEquals(13, EventCodec.typeOf(JournalEvent.ArraySubmitted.class));
        assertEquals(14, EventCodec.typeOf(JournalEvent.RequeueRequested.class));
        assertEquals(6, EventCodec.typeOf(new Finished(J, 1, JobState.COMPLETED, 0, null)));
        List<Class<?>> types = new ArrayList<>(List.of(JournalEvent.class.getPermittedSubclasses()));
        types.remove(JournalEvent.Block.class);
        types.addAll(List.of(JournalEvent.Block.class.getPermittedSubclasses()));
        for (Class<?> type : types) {
            @SuppressWarnings("unchecked")
            Class<? extends JournalEvent> t = (Class<? extends JournalEvent>) type;
            assertTrue(EventCodec.typeOf(t) >= 0, type + " has no code");
            assertEquals(type.getSimpleName(), EventCodec.typeName(EventCodec.typeOf(t)));
        }
    }

    @Test
    void typeNameOfUnknownCodeSaysSo() {
        assertEquals("Unknown99", EventCodec.typeName(99));
        assertEquals("Unknown-1", EventCodec.typeName(-1));
    }

    @Test
    void unknownTypeAsksForNewerLabq() {
        LabqException e = assertThrows(LabqException.class, () -> EventCodec.decode(
                new JournalEntry(17, 99, 1, 0, "{}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertEquals("journal entry at index=17 has type=99 that this build does not know; run a newer labq",
                e.getMessage());
    }

    @Test
    void newerPayloadVersionAsksForNewerLabq() {
        JournalEntry newer = new JournalEntry(18, EventCodec.typeOf(Held.class), EventCodec.PAYLOAD_VERSION_GZIP + 1, 0,
                EventCodec.encode(new Held(J)));
        LabqException e = assertThrows(LabqException.class, () -> EventCodec.decode(newer));
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertEquals("journal entry at index=18 has payload version=3; run a newer labq", e.getMessage());
        JournalEntry notZipped = new JournalEntry(19, EventCodec.typeOf(Held.class), EventCodec.PAYLOAD_VERSION_GZIP, 0,
                EventCodec.encode(new Held(J)));
        LabqException damaged = assertThrows(LabqException.class, () -> EventCodec.decode(notZipped));
        assertTrue(damaged.getMessage().contains("the journal is damaged"), damaged.getMessage());
    }

    @Test
    void garbagePayloadIsReportedAsDamage() {
        JournalEntry garbage = new JournalEntry(19, EventCodec.typeOf(Dispatched.class), 1, 0,
                new byte[]{0x00, (byte) 0xFF, '{', 'x'});
        LabqException e = assertThrows(LabqException.class, () -> EventCodec.decode(garbage));
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertTrue(e.getMessage().startsWith("journal entry at index=19 cannot be decoded ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("); the journal is damaged"), e.getMessage());
        assertTrue(e.getCause() != null);
    }

    @Test
    void payloadThatBreaksDomainRulesIsReportedAsDamage() {
        JournalEntry badId = new JournalEntry(20, EventCodec.typeOf(Held.class), 1, 0,
                "{\"job\":0}".getBytes(StandardCharsets.UTF_8));
        LabqException e = assertThrows(LabqException.class, () -> EventCodec.decode(badId));
        assertEquals(LabqException.Kind.STORAGE, e.kind());
        assertTrue(e.getMessage().startsWith("journal entry at index=20 cannot be decoded"), e.getMessage());
    }

    @Test
    void unknownPayloadFieldsAreIgnoredForForwardCompatibility() {
        JournalEntry withExtra = new JournalEntry(21, EventCodec.typeOf(Started.class), 1, 0,
                "{\"job\":42,\"attempt\":1,\"pid\":5,\"pidStartMillis\":6,\"cgroup\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(new Started(J, 1, 5, 6), EventCodec.decode(withExtra));
    }

    @Test
    void olderPayloadVersionIsStillRead() {
        JournalEntry old = new JournalEntry(22, EventCodec.typeOf(Held.class), 0, 0, EventCodec.encode(new Held(J)));
        assertEquals(new Held(J), EventCodec.decode(old));
    }

    @Test
    void dispatchWithoutARecordOfWhyIsStillRead() {
        JournalEntry old = new JournalEntry(23, EventCodec.typeOf(Dispatched.class), 1, 0,
                "{\"job\":42,\"attempt\":1,\"allocation\":{\"cpus\":1,\"memoryMb\":256,\"gpuIds\":[]}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(new Dispatched(J, 1, new Allocation(1, 256, List.of())), EventCodec.decode(old));
    }

    @Test
    void jobIdIsWrittenAsABareNumber() {
        assertEquals("{\"job\":42}", new String(EventCodec.encode(new Held(J)), StandardCharsets.UTF_8));
    }
}
