package dev.labq.store.view;

import dev.labq.store.Views;
import dev.labq.store.Views.OpenOutcome;
import dev.labq.store.testkit.ChildJvm;
import dev.labq.store.testkit.StoreChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The view writer (the scheduler) killed with kill -9 while holding the views open. */
@Timeout(90)
class ViewsWriterCrashIT {
    @TempDir
    Path home;

    @Test
    void viewsLeftOpenByAKilledWriterAreRecoveredOnNextWriterOpenWithDataIntact() throws Exception {
        Path dir = home.resolve("views");
        try (ChildJvm child = ChildJvm.start(home, "hold-views", dir.toString())) {
            child.await("READY", Duration.ofSeconds(30));
            child.kill();
        }
        assertTrue(Views.needRecovery(dir), "a killed writer leaves its marker");

        try (Views views = Views.openForWriter(dir, 0)) {
            assertEquals(OpenOutcome.RECOVERED, views.openOutcome());
            assertArrayEquals(StoreChild.VIEW_JOB_VALUE, views.jobs().get(StoreChild.VIEW_JOB_ID));
            assertEquals(StoreChild.VIEW_LAST_APPLIED, views.lastAppliedIndex());
            views.jobs().put(StoreChild.VIEW_JOB_ID + 1, new byte[]{1});
            views.allocations().put(StoreChild.VIEW_JOB_ID, new byte[]{2});
            views.usage().put("ana", new byte[]{3});
            assertEquals(2, views.jobs().size(), "writes work after recovery");
        }
        assertFalse(Views.needRecovery(dir));
        try (Views views = Views.openForWriter(dir, 0)) {
            assertEquals(OpenOutcome.CLEAN, views.openOutcome());
        }
    }
}
