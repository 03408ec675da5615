package dev.labq.core.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.HandWrittenJournal;
import dev.labq.core.testkit.JobFutures;
import dev.labq.core.testkit.TestConfigs;
import dev.labq.core.view.ViewProjection;
import dev.labq.store.Views;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/** CLI commands with no scheduler serving the home: they read and append to the journal themselves. */
@Timeout(60)
class DirectClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private LabqHome home() {
        return LabqHome.of(root.resolve("home"));
    }

    private static JobSpec.Builder process(String... argv) {
        return JobSpec.process("default", "ana", argv);
    }

    private LabqScheduler.Builder scheduler() {
        return LabqScheduler.builder(home().root()).config(TestConfigs.small()).tickMillis(0);
    }

    private static JobStatus stat(LabqClient client, JobId id) {
        return client.stat(List.of(id)).get(0);
    }

    private static List<String> tail(LabqClient client, long from) {
        List<String> lines = new ArrayList<>();
        client.tail(from, false, lines::add, () -> false);
        return lines;
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    @Test
    void submitWithNoSchedulerJournalsTheJobAndStatSaysWhyItWaits() {
        try (LabqClient client = LabqClient.direct(home())) {
            assertFalse(client.viaScheduler());
            JobId first = client.submit(process("true").build());
            JobId second = client.submit(process("true").afterOk(first).build());
            assertEquals(JobId.of(1), first);
            assertEquals(JobId.of(2), second);
            JobStatus waiting = stat(client, first);
            assertEquals(JobState.PENDING, waiting.state());
            assertEquals("NoScheduler", waiting.reason());
            assertEquals("Dependency", stat(client, second).reason());
            assertEquals(List.of(first, second), client.stat(List.of()).stream().map(JobStatus::id).sorted().toList());
        }
    }

    @Test
    void rejectedSubmissionLeavesTheJournalUnchanged() {
        try (LabqClient client = LabqClient.direct(home())) {
            InvalidInputException noProject = assertThrows(InvalidInputException.class,
                    () -> client.submit(JobSpec.process("astro", "ana", "true").build()));
            assertTrue(noProject.getMessage().contains("project=astro"), noProject.getMessage());
            assertFalse(Files.exists(home().journal()), "a rejected first submission creates no journal");

            client.submit(process("true").build());
            long entries = HandWrittenJournal.entries(home());
            UnknownJobException noParent = assertThrows(UnknownJobException.class,
                    () -> client.submit(process("true").afterOk(JobId.of(99)).build()));
            assertEquals(LabqException.Kind.UNKNOWN_JOB, noParent.kind());
            assertEquals(entries, HandWrittenJournal.entries(home()));
            assertEquals(1, client.stat(List.of()).size());
        }
    }

    @Test
    void holdReleaseAndCancelFollowTheStateRules() {
        try (LabqClient client = LabqClient.direct(home())) {
            JobId job = client.submit(process("true").build());
            client.hold(job);
            assertEquals(JobState.HELD, stat(client, job).state());
            assertThrows(IllegalJobStateChangeException.class, () -> client.hold(job));
            client.release(job);
            assertEquals(JobState.PENDING, stat(client, job).state());
            IllegalJobStateChangeException notHeld = assertThrows(IllegalJobStateChangeException.class, () -> client.release(job));
            assertEquals(LabqException.Kind.ILLEGAL_STATE, notHeld.kind());
            client.cancel(job);
            JobStatus cancelled = stat(client, job);
            assertEquals(JobState.CANCELLED, cancelled.state());
            assertEquals("Cancelled by user", cancelled.reason());
            assertThrows(IllegalJobStateChangeException.class, () -> client.cancel(job));
        }
    }

    @Test
    void unknownJobIdIsReportedForEveryCommand() {
        try (LabqClient client = LabqClient.direct(home())) {
            client.submit(process("true").build());
            JobId missing = JobId.of(42);
            for (Function<JobId, Object> command : List.<Function<JobId, Object>>of(
                    id -> { client.hold(id); return null; },
                    id -> { client.release(id); return null; },
                    id -> { client.cancel(id); return null; },
                    id -> client.stat(List.of(id)))) {
                UnknownJobException e = assertThrows(UnknownJobException.class, () -> command.apply(missing));
                assertTrue(e.getMessage().contains("=42"), e.getMessage());
            }
        }
    }

    @Test
    void statOfAHomeWithNothingInItIsEmpty() {
        try (LabqClient client = LabqClient.direct(home())) {
            assertEquals(List.of(), client.stat(List.of()));
            assertEquals(List.of(), tail(client, -1));
        }
        assertFalse(Files.exists(home().root()), "reading creates nothing");
    }

    @Test
    void homeThatCannotBeCreatedIsAStorageError() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        try (LabqClient client = LabqClient.direct(LabqHome.of(file.resolve("home")))) {
            LabqException e = assertThrows(LabqException.class, () -> client.submit(process("true").build()));
            assertEquals(LabqException.Kind.STORAGE, e.kind());
            assertTrue(e.getMessage().contains("cannot be created"), e.getMessage());
        }
    }

    @Test
    void jobsSubmittedDirectlyAreRunByTheNextSchedulerAsTheyWereLeft() throws Exception {
        JobId runs;
        JobId held;
        JobId cancelled;
        try (LabqClient client = LabqClient.direct(home())) {
            runs = client.submit(process("sh", "-c", "echo $LABQ_JOB_ID").build());
            held = client.submit(process("true").hold(true).build());
            cancelled = client.submit(process("true").build());
            client.cancel(cancelled);
        }
        JobFutures jobs = new JobFutures();
        try (LabqScheduler labq = scheduler().listener(jobs).start()) {
            JobStatus done = jobs.terminal(runs).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, done.state());
            assertEquals(runs + "\n", Files.readString(labq.home().logs().resolve(runs + ".out")));
            assertEquals(JobState.HELD, labq.job(held).state());
            assertEquals(JobState.CANCELLED, labq.job(cancelled).state());
            assertEquals(0, labq.job(cancelled).attempt(), "a job cancelled while no scheduler ran never starts");
            assertEquals(JobId.of(4), labq.submit(process("true").build()).id(), "ids continue after the direct ones");
        }
    }

    @Test
    void runningSchedulerWithoutASocketPicksUpWhatADirectClientAppends() throws Exception {
        JobFutures jobs = new JobFutures();
        try (LabqScheduler labq = scheduler().listener(jobs).start();
             LabqClient client = LabqClient.direct(home())) {
            JobId id = client.submit(process("true").build());
            assertEquals(JobState.COMPLETED, jobs.terminal(id).get(30, TimeUnit.SECONDS).state());
            assertEquals(JobState.COMPLETED, stat(client, id).state(), "stat reads the live views of a running scheduler");
            JobId held = labq.submit(process("true").hold(true).build()).id();
            client.release(held);
            assertEquals(JobState.COMPLETED, jobs.terminal(held).get(30, TimeUnit.SECONDS).state());
        }
    }

    /** Runs one job to COMPLETED with a scheduler, then changes that job in the views by hand. */
    private JobId completedJobWhoseViewSaysFailed() throws Exception {
        JobId id;
        try (LabqScheduler labq = scheduler().start()) {
            id = labq.submit(process("true").build()).outcome().get(30, TimeUnit.SECONDS).id();
        }
        try (Views views = Views.openForWriter(home().views(), 0)) {
            JobStatus j = ViewProjection.decode(views.jobs().get(id.value()), JobStatus.class);
            views.jobs().put(id.value(), ViewProjection.encode(new JobStatus(j.id(), j.spec(), JobState.FAILED,
                    j.submitMillis(), j.startMillis(), j.endMillis(), j.attempt(), j.pid(), j.pidStartMillis(), 9,
                    "as the views say", null, false, j.lastIndex())));
        }
        return id;
    }

    @Test
    void statReadsCleanViewsAndOnlyTheJournalEntriesAfterThem() throws Exception {
        JobId ran = completedJobWhoseViewSaysFailed();
        try (LabqClient client = LabqClient.direct(home())) {
            JobId later = client.submit(process("true").build());
            assertEquals("as the views say", stat(client, ran).reason(),
                    "entries the views have folded are not read again");
            assertEquals(JobState.PENDING, stat(client, later).state());
        }
    }

    @Test
    void statNeverOpensViewsLeftDirtyByADeadWriter() throws Exception {
        JobId ran = completedJobWhoseViewSaysFailed();
        Files.writeString(home().views().resolve("writer.open"), "999999\n"); // the writer died with the views open
        try (LabqClient client = LabqClient.direct(home())) {
            JobStatus fromJournal = stat(client, ran);
            assertEquals(JobState.COMPLETED, fromJournal.state(), "folded from the whole journal");
            assertEquals(0, fromJournal.exitCode());
        }
        assertTrue(Views.needRecovery(home().views()), "a reader leaves recovery to the next scheduler");
    }

    @Test
    void statTrustsTheJournalWhenTheViewsClaimEntriesItDoesNotHave() throws Exception {
        JobId ran = completedJobWhoseViewSaysFailed();
        try (Views views = Views.openForWriter(home().views(), 0)) {
            views.lastAppliedIndex(Long.MAX_VALUE - 1);
        }
        try (LabqClient client = LabqClient.direct(home())) {
            assertEquals(JobState.COMPLETED, stat(client, ran).state());
        }
    }

    @Test
    void tailStreamsEveryEntryAsAJsonLineFromTheStartOrFromAnIndex() {
        try (LabqClient client = LabqClient.direct(home())) {
            JobId job = client.submit(process("true").env(Map.of("SEED", "7")).build());
            client.hold(job);
            client.release(job);
            List<String> all = tail(client, -1);
            assertEquals(List.of("Submitted", "Held", "Released"), all.stream().map(l -> json(l).get("type").asText()).toList());
            JsonNode submitted = json(all.get(0));
            assertEquals(1, submitted.get("event").get("job").asLong());
            assertEquals("7", submitted.get("event").get("spec").get("env").get("SEED").asText());
            assertTrue(submitted.get("time").asText().endsWith("Z"), all.get(0));

            long second = json(all.get(1)).get("index").asLong();
            assertEquals(all.subList(1, 3), tail(client, second), "from an index includes that entry");
        }
    }

    @Test
    void tailFromAnIndexThatIsNotInTheJournalIsInvalidInput() {
        try (LabqClient client = LabqClient.direct(home())) {
            client.submit(process("true").build());
            LabqException e = assertThrows(LabqException.class, () -> tail(client, 123_456_789L));
            assertEquals(LabqException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage().contains("from=123456789"), e.getMessage());
        }
    }

    @Test
    void tailFollowShowsEntriesAppendedLaterUntilStopped() throws Exception {
        try (LabqClient writer = LabqClient.direct(home()); LabqClient reader = LabqClient.direct(home())) {
            writer.submit(process("true").build());
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> sawSecond = new CompletableFuture<>();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> following = CompletableFuture.runAsync(() -> reader.tail(-1, true, line -> {
                lines.add(line);
                if (lines.size() == 2) {
                    sawSecond.complete(null);
                }
            }, stop::get));
            JobId second = writer.submit(process("true").build());
            sawSecond.get(10, TimeUnit.SECONDS);
            assertFalse(following.isDone(), "follow keeps waiting for more");
            stop.set(true);
            following.get(10, TimeUnit.SECONDS);
            assertEquals(second.value(), json(lines.get(1)).get("event").get("job").asLong());
        }
    }
}
