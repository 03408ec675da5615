package dev.labq.core.view;

import dev.labq.core.JobHandle;
import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.policy.usage.AccountUsage;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.HandWrittenJournal;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.time.SettableClock;
import dev.labq.store.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** `labq replay --verify` and `--rebuild` against views a real scheduler wrote. */
@Timeout(60)
class ViewAuditIT {
    @TempDir
    Path root;

    private LabqHome home() {
        return LabqHome.of(root);
    }

    private LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(root).config(TestConfigs.small()).tickMillis(0);
    }

    private static JobSpec.Builder process(String... argv) {
        return JobSpec.process("default", "ana", argv);
    }

    /** Two finished jobs, one held and one cancelled: every kind of entry the fold handles. */
    private List<JobId> runJobs() throws Exception {
        try (LabqScheduler labq = scheduler().start()) {
            JobHandle ok = labq.submit(process("true").build());
            JobHandle bad = labq.submit(process("false").build());
            JobHandle held = labq.submit(process("true").hold(true).build());
            JobHandle cancelled = labq.submit(process("true").hold(true).build());
            labq.cancel(cancelled.id());
            ok.outcome().get(30, TimeUnit.SECONDS);
            bad.outcome().get(30, TimeUnit.SECONDS);
            return List.of(ok.id(), bad.id(), held.id(), cancelled.id());
        }
    }

    @Test
    void verifyAgreesWithViewsTheSchedulerWrote() throws Exception {
        runJobs();
        ViewAudit.Report report = ViewAudit.verify(home());
        assertTrue(report.agrees(), report.differences().toString());
        assertEquals(4, report.jobs());
        assertEquals(2, report.accounts(), "project default and its user ana, charged for the two runs");
        assertEquals(HandWrittenJournal.entries(home()) - 1, report.entriesFolded(),
                "every entry but the final SchedulerStopped, which changes no view");
    }

    @Test
    void verifyReadsLiveViewsWhileASchedulerRuns() throws Exception {
        runJobs();
        try (LabqScheduler labq = scheduler().start()) {
            labq.submit(process("true").build()).outcome().get(30, TimeUnit.SECONDS);
            ViewAudit.Report report = ViewAudit.verify(home());
            assertTrue(report.agrees(), report.differences().toString());
            assertEquals(5, report.jobs());
        }
    }

    @Test
    void verifyNamesEveryJobWhoseViewDiffersFromTheJournal() throws Exception {
        List<JobId> ids = runJobs();
        try (Views views = Views.openForWriter(home().views(), 0)) {
            JobStatus ok = ViewProjection.decode(views.jobs().get(ids.get(0).value()), JobStatus.class);
            views.jobs().put(ok.id().value(), ViewProjection.encode(ok.withReason("edited by hand")));
            views.jobs().remove(ids.get(2).value());
            views.jobs().put(77L, ViewProjection.encode(new JobStatus(JobId.of(77), ok.spec(), JobState.PENDING,
                    ok.submitMillis(), null, null, 0, 0, 0, null, null, null, false, ok.lastIndex())));
        }
        ViewAudit.Report report = ViewAudit.verify(home());
        assertFalse(report.agrees());
        List<String> differences = report.differences();
        assertEquals(3, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("job " + ids.get(0) + ": views say COMPLETED"), differences.get(0));
        assertTrue(differences.get(0).contains("journal says COMPLETED"), differences.get(0));
        assertEquals("job " + ids.get(2) + ": in the journal (HELD) but missing from the views", differences.get(1));
        assertEquals("job 77: in the views (PENDING) but not in the journal", differences.get(2));
    }

    @Test
    void verifyNamesEveryAccountWhoseUsageViewDiffersFromTheJournal() throws Exception {
        runJobs();
        try (Views views = Views.openForWriter(home().views(), 0)) {
            AccountUsage u = ViewProjection.decode(views.usage().get("project:default"), AccountUsage.class);
            views.usage().put(u.key(), ViewProjection.encode(new AccountUsage(u.project(), u.user(), u.jobs(), u.failed(),
                    u.cpuSeconds() + 3600, u.gpuSeconds(), u.decayed(), u.decayedAtMillis(), u.periodStartMillis(),
                    u.periodCpuSeconds(), u.periodGpuSeconds(), u.importance(), u.share(), u.lastIndex())));
            views.usage().remove("user:default/ana");
        }
        ViewAudit.Report report = ViewAudit.verify(home());
        assertFalse(report.agrees());
        List<String> differences = report.differences();
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("usage project:default: views say "), differences.get(0));
        assertEquals("usage user:default/ana: in the journal but missing from the views", differences.get(1));
    }

    @Test
    void rebuildRestoresViewsThatAgreeAndReportsProgress() throws Exception {
        List<JobId> ids = runJobs();
        try (Views views = Views.openForWriter(home().views(), 0)) {
            views.jobs().remove(ids.get(1).value());
            views.usage().clear();
        }
        assertFalse(ViewAudit.verify(home()).agrees());
        List<Long> progress = new ArrayList<>();
        long folded = ViewAudit.rebuild(home(), progress::add);
        assertEquals(HandWrittenJournal.entries(home()), folded);
        assertEquals(List.of(folded), progress);
        ViewAudit.Report report = ViewAudit.verify(home());
        assertTrue(report.agrees(), report.differences().toString());
        try (Views views = Views.openForReader(home().views())) {
            AccountUsage usage = ViewProjection.decode(views.usage().get("project:default"), AccountUsage.class);
            assertEquals(2, usage.jobs(), "usage is rebuilt too");
            assertEquals(1, usage.failed());
        }
        try (LabqScheduler labq = scheduler().start()) {
            assertEquals(JobState.FAILED, labq.job(ids.get(1)).state(), "a scheduler starts from the rebuilt views");
        }
    }

    @Test
    void rebuildIsRefusedWhileASchedulerHoldsTheHome() throws Exception {
        runJobs();
        try (LabqScheduler labq = scheduler().start()) {
            LabqException e = assertThrows(LabqException.class, () -> ViewAudit.rebuild(home(), n -> { }));
            assertEquals(LabqException.Kind.ALREADY_RUNNING, e.kind());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void homeWithoutAJournalIsAStorageError() {
        for (Runnable audit : List.<Runnable>of(() -> ViewAudit.verify(home()), () -> ViewAudit.rebuild(home(), n -> { }))) {
            LabqException e = assertThrows(LabqException.class, audit::run);
            assertEquals(LabqException.Kind.STORAGE, e.kind());
            assertTrue(e.getMessage().contains("has no journal"), e.getMessage());
        }
        assertFalse(Files.exists(home().views()), "nothing is created in a wrong --home");
    }

    @Test
    void usageAccumulatesCpuSecondsJobsAndFailuresPerProjectAndUser() throws Exception {
        SettableClock clock = new SettableClock(1_000_000);
        try (LabqScheduler labq = scheduler().clock(clock).start()) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            JobHandle twoCpus = labq.submit(JobSpec.task("fit", "research", "ana")
                    .resources(new dev.labq.core.domain.Resources(2, 256, 0, null)).build(), (id, attempt) -> {
                running.countDown();
                finish.await();
                return 0;
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            clock.advance(5_000);
            finish.countDown();
            assertEquals(JobState.COMPLETED, twoCpus.outcome().get(30, TimeUnit.SECONDS).state());
            JobHandle failing = labq.submit(JobSpec.task("fail", "research", "bob").build(), (id, attempt) -> 2);
            assertEquals(JobState.FAILED, failing.outcome().get(30, TimeUnit.SECONDS).state());
        }
        try (Views views = Views.openForReader(home().views())) {
            assertEquals("2 10.0 0.0 1", totals(views, "project:research"));
            assertEquals("1 10.0 0.0 0", totals(views, "user:research/ana"));
            assertEquals("1 0.0 0.0 1", totals(views, "user:research/bob"));
            assertNull(views.usage().get("project:default"));
            assertEquals(0, views.allocations().size(), "finished jobs hold no resources");
        }
    }

    /** Jobs, CPU-seconds, GPU-seconds and failures charged to {@code key}. */
    private static String totals(Views views, String key) {
        AccountUsage u = ViewProjection.decode(views.usage().get(key), AccountUsage.class);
        return u.jobs() + " " + u.cpuSeconds() + " " + u.gpuSeconds() + " " + u.failed();
    }
}
