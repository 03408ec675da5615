package dev.labq.store.view;

import dev.labq.store.Journal;
import dev.labq.store.KeyValueView;
import dev.labq.store.StoreException;
import dev.labq.store.Views;
import dev.labq.store.Views.OpenOutcome;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The persisted views: how a writer finds them at open, what survives a close, and the map operations. */
@Timeout(60)
class ChronicleViewsTest {
    @TempDir
    Path home;

    private Path dir() {
        return home.resolve("views");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void firstWriterOpenCreatesEmptyViewsAndMarksThemOpen() {
        assertFalse(Views.exist(dir()));
        try (Views views = Views.openForWriter(dir(), 100)) {
            assertEquals(OpenOutcome.CREATED, views.openOutcome());
            assertTrue(Views.exist(dir()));
            assertTrue(Views.needRecovery(dir()), "the writer marker is there while the writer is open");
            assertEquals(Journal.BEFORE_FIRST, views.lastAppliedIndex());
            assertEquals(0, views.jobs().size());
            assertEquals(0, views.allocations().size());
            assertEquals(0, views.usage().size());
        }
    }

    @Test
    void cleanCloseRemovesTheWriterMarkerAndReopenIsCleanWithDataKept() {
        try (Views views = Views.openForWriter(dir(), 50_000)) {
            views.jobs().put(1L, utf8("queued"));
            views.usage().put("ana", utf8("3 gpu-h"));
            views.lastAppliedIndex(77L);
        }
        assertFalse(Views.needRecovery(dir()));
        assertTrue(Views.exist(dir()));

        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals(OpenOutcome.CLEAN, views.openOutcome());
            assertEquals("queued", text(views.jobs().get(1L)));
            assertEquals("3 gpu-h", text(views.usage().get("ana")));
            assertEquals(77L, views.lastAppliedIndex());
        }
    }

    @Test
    void viewsLeftOpenByADeadWriterAreRecoveredOnNextWriterOpenWithDataIntact() throws Exception {
        try (Views views = Views.openForWriter(dir(), 0)) {
            views.jobs().put(5L, utf8("running"));
            views.allocations().put(5L, utf8("gpu0"));
            views.lastAppliedIndex(12L);
        }
        // what a writer that died without closing leaves behind
        Files.writeString(dir().resolve(ChronicleViews.WRITER_MARKER), "999999\n");
        assertTrue(Views.needRecovery(dir()));

        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals(OpenOutcome.RECOVERED, views.openOutcome());
            assertEquals("running", text(views.jobs().get(5L)));
            assertEquals("gpu0", text(views.allocations().get(5L)));
            assertEquals(12L, views.lastAppliedIndex());
            views.jobs().put(6L, utf8("queued"));
            assertEquals(2, views.jobs().size(), "a recovered view takes writes");
        }
        assertFalse(Views.needRecovery(dir()));
    }

    @Test
    void viewsOfAnotherFormatAreWipedSoTheCallerReplays() throws Exception {
        try (Views views = Views.openForWriter(dir(), 0)) {
            views.jobs().put(1L, utf8("old meaning"));
            views.allocations().put(1L, utf8("old"));
            views.usage().put("ana", utf8("old"));
            views.lastAppliedIndex(40L);
        }
        // a build with another view format wrote these
        try (ChronicleMap<String, Long> meta = ChronicleMapBuilder.of(String.class, Long.class).name("meta")
                .averageKey("lastAppliedIndex").entries(64)
                .createPersistedTo(dir().resolve(ChronicleViews.META_FILE).toFile())) {
            meta.put("format", (long) Views.FORMAT_VERSION + 1);
        }

        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals(OpenOutcome.WIPED_FOR_FORMAT, views.openOutcome());
            assertEquals(0, views.jobs().size());
            assertEquals(0, views.allocations().size());
            assertEquals(0, views.usage().size());
            assertEquals(Journal.BEFORE_FIRST, views.lastAppliedIndex());
            views.jobs().put(2L, utf8("new meaning"));
        }
        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals(OpenOutcome.CLEAN, views.openOutcome(), "the current format was recorded");
            assertEquals("new meaning", text(views.jobs().get(2L)));
        }
    }

    @Test
    void readerOnMissingViewsIsRefusedWithTheFix() {
        StoreException e = assertThrows(StoreException.class, () -> Views.openForReader(dir()));
        assertTrue(e.getMessage().contains("do not exist yet"), e.getMessage());
        assertFalse(Views.exist(dir()));
    }

    @Test
    void readerSeesEachWriterPutAsSoonAsItReturns() {
        try (Views writer = Views.openForWriter(dir(), 50_000)) {
            writer.jobs().put(1L, utf8("queued"));
            try (Views reader = Views.openForReader(dir())) {
                assertEquals(OpenOutcome.CLEAN, reader.openOutcome());
                assertEquals("queued", text(reader.jobs().get(1L)));

                writer.jobs().put(1L, utf8("running"));
                writer.lastAppliedIndex(3L);
                assertEquals("running", text(reader.jobs().get(1L)));
                assertEquals(3L, reader.lastAppliedIndex());
            }
            assertTrue(Views.needRecovery(dir()), "closing a reader leaves the writer's marker alone");
        }
        assertFalse(Views.needRecovery(dir()));
    }

    @Test
    void jobsAndAllocationsArePutGetRemoveVisitAndCount() {
        try (Views views = Views.openForWriter(dir(), 20_000)) {
            for (KeyValueView<Long> view : new KeyValueView[]{views.jobs(), views.allocations()}) {
                assertNull(view.get(1L));
                view.put(1L, utf8("one"));
                view.put(2L, utf8("two"));
                view.put(2L, utf8("two again"));
                assertEquals(2, view.size());
                assertEquals("two again", text(view.get(2L)));

                Map<Long, String> seen = new HashMap<>();
                view.forEach((k, v) -> seen.put(k, text(v)));
                assertEquals(Map.of(1L, "one", 2L, "two again"), seen);

                view.remove(1L);
                view.remove(99L);
                assertNull(view.get(1L));
                assertEquals(1, view.size());

                view.clear();
                assertEquals(0, view.size());
            }
        }
    }

    @Test
    void usageIsKeyedByProjectOrUser() {
        try (Views views = Views.openForWriter(dir(), 0)) {
            KeyValueView<String> usage = views.usage();
            usage.put("project:vision", utf8("10"));
            usage.put("user:ana", utf8("4"));
            usage.put("user:ana", new byte[0]);
            assertEquals(2, usage.size());
            assertArrayEquals(new byte[0], usage.get("user:ana"));

            Map<String, String> seen = new HashMap<>();
            usage.forEach((k, v) -> seen.put(k, text(v)));
            assertEquals(Map.of("project:vision", "10", "user:ana", ""), seen);

            usage.remove("project:vision");
            assertNull(usage.get("project:vision"));
            usage.clear();
            assertEquals(0, usage.size());
        }
    }

    @Test
    void clearEmptiesEveryViewAndResetsLastAppliedIndexButKeepsTheFormat() {
        try (Views views = Views.openForWriter(dir(), 0)) {
            views.jobs().put(1L, utf8("a"));
            views.allocations().put(1L, utf8("b"));
            views.usage().put("ana", utf8("c"));
            views.lastAppliedIndex(9L);

            views.clear();

            assertEquals(0, views.jobs().size());
            assertEquals(0, views.allocations().size());
            assertEquals(0, views.usage().size());
            assertEquals(Journal.BEFORE_FIRST, views.lastAppliedIndex());
        }
        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals(OpenOutcome.CLEAN, views.openOutcome());
        }
    }

    @Test
    void existAndNeedRecoveryAreFalseForAnEmptyDirectory() throws Exception {
        Files.createDirectories(dir());
        assertFalse(Views.exist(dir()));
        assertFalse(Views.needRecovery(dir()));
    }

    @Test
    void viewsUnderARegularFileCannotBeCreated() throws Exception {
        Path file = Files.writeString(home.resolve("file"), "x");
        StoreException e = assertThrows(StoreException.class, () -> Views.openForWriter(file.resolve("views"), 0));
        assertTrue(e.getMessage().contains("cannot be created"), e.getMessage());
    }

    @Test
    void damagedViewFileIsReportedWithTheRebuildHint() throws Exception {
        try (Views views = Views.openForWriter(dir(), 0)) {
            views.jobs().put(1L, utf8("a"));
        }
        Files.writeString(dir().resolve("jobs.cm3"), "this is not a chronicle map");

        StoreException e = assertThrows(StoreException.class, () -> Views.openForWriter(dir(), 0));
        assertTrue(e.getMessage().contains("jobs.cm3") && e.getMessage().contains("replay --rebuild"), e.getMessage());
    }

    @Test
    void closeThatCannotRemoveTheWriterMarkerIsReported() throws Exception {
        Views views = Views.openForWriter(dir(), 0);
        Path marker = dir().resolve(ChronicleViews.WRITER_MARKER);
        Files.delete(marker);
        Files.createDirectories(marker.resolve("in-the-way"));

        StoreException e = assertThrows(StoreException.class, views::close);
        assertTrue(e.getMessage().contains("cannot be marked closed"), e.getMessage());
    }

    @Test
    void writerOpenThatCannotWriteItsMarkerClosesTheViewsAndSaysSo() throws Exception {
        try (Views views = Views.openForWriter(dir(), 0)) {
            views.jobs().put(1L, utf8("a"));
        }
        Files.createDirectory(dir().resolve(ChronicleViews.WRITER_MARKER));

        StoreException e = assertThrows(StoreException.class, () -> Views.openForWriter(dir(), 0));
        assertTrue(e.getMessage().contains("cannot be marked open"), e.getMessage());

        try (Views views = Views.openForWriter(dir(), 0)) {
            assertEquals("a", text(views.jobs().get(1L)), "the failed open left the views usable");
        }
    }
}
