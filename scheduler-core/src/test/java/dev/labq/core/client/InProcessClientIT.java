package dev.labq.core.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labq.core.JobHandle;
import dev.labq.core.LabqScheduler;
import dev.labq.core.domain.IllegalJobStateChangeException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.state.JobStatus;
import dev.labq.core.testkit.JobFutures;
import dev.labq.core.testkit.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** CLI commands forwarded to a running scheduler: they go straight onto its ring. */
@Timeout(60)
class InProcessClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final JobFutures jobs = new JobFutures();

    private LabqScheduler start() {
        return LabqScheduler.builder(home).config(TestConfigs.small()).tickMillis(0).listener(jobs).start();
    }

    @Test
    void commandsChangeTheRunningSchedulersJobsAtOnce() throws Exception {
        try (LabqScheduler labq = start(); LabqClient client = new InProcessClient(labq)) {
            assertTrue(client.viaScheduler());
            JobId job = client.submit(JobSpec.process("default", "ana", "true").hold(true).build());
            assertEquals(JobState.HELD, client.stat(List.of(job)).get(0).state());
            client.release(job);
            assertEquals(JobState.COMPLETED, jobs.terminal(job).get(30, TimeUnit.SECONDS).state());
            assertThrows(IllegalJobStateChangeException.class, () -> client.cancel(job));

            JobId parent = client.submit(JobSpec.process("default", "ana", "true").hold(true).build());
            JobId child = client.submit(JobSpec.process("default", "ana", "true").afterOk(parent).build());
            assertEquals("Dependency", client.stat(List.of(child)).get(0).reason());
            client.hold(child);
            assertEquals(JobState.HELD, client.stat(List.of(child)).get(0).state());
            client.cancel(parent);
            assertEquals(JobState.CANCELLED, jobs.terminal(parent).get(30, TimeUnit.SECONDS).state());
            JobStatus orphan = jobs.terminal(child).get(30, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELLED, orphan.state());
            assertTrue(orphan.reason().startsWith("DependencyNeverSatisfied"), orphan.reason());
            assertEquals(3, client.stat(List.of()).size());
            assertThrows(UnknownJobException.class, () -> client.stat(List.of(JobId.of(99))));
        }
    }

    @Test
    void blocksSubmittedThroughTheSchedulerAreFoldedWhenTheCallReturns() throws Exception {
        try (LabqScheduler labq = start(); LabqClient client = new InProcessClient(labq)) {
            JobSpec held = JobSpec.process("default", "ana", "true").hold(true).build();
            JobId array = client.submitArray(held, dev.labq.core.domain.ArraySpec.parse("0-3"));
            assertEquals(2, client.stat(List.of(array, JobId.of(array.value() + 3))).size(), "known when the call returns");
            JobId many = client.submitJobs(List.of(held, held));
            assertEquals(JobState.HELD, client.stat(List.of(JobId.of(many.value() + 1))).get(0).state());
            JobId pipeline = client.submitPipeline(dev.labq.core.pipeline.PipelinePlanner.plan(
                    dev.labq.core.pipeline.PipelineSpec.builder("p", "default")
                            .task(dev.labq.core.pipeline.TaskSpec.builder("a").run("true").build()).build()), "ana");
            assertEquals(JobState.COMPLETED, jobs.terminal(pipeline).get(30, TimeUnit.SECONDS).state());
            JobId task = JobId.of(array.value() + 1);
            client.cancel(task);
            client.control(dev.labq.core.ring.Command.Action.REQUEUE, task, false);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (client.stat(List.of(task)).get(0).state() != JobState.COMPLETED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            JobStatus rerun = client.stat(List.of(task)).get(0);
            assertEquals(JobState.COMPLETED, rerun.state(), "a requeued job runs: " + rerun);
            assertEquals(1, rerun.attempt(), "its first start: it was cancelled before it ran");
        }
    }

    @Test
    void clientCloseLeavesTheSchedulerRunning() throws Exception {
        try (LabqScheduler labq = start()) {
            new InProcessClient(labq).close();
            JobHandle h = labq.submit(JobSpec.process("default", "ana", "true").build());
            assertEquals(JobState.COMPLETED, h.outcome().get(30, TimeUnit.SECONDS).state());
        }
    }

    @Test
    void tailFollowsTheSchedulersJournalUntilStopped() throws Exception {
        try (LabqScheduler labq = start(); LabqClient client = new InProcessClient(labq)) {
            JobId first = client.submit(JobSpec.process("default", "ana", "true").build());
            JobStatus done = jobs.terminal(first).get(30, TimeUnit.SECONDS);
            List<String> sofar = new ArrayList<>();
            client.tail(-1, false, sofar::add, () -> false);
            List<String> types = new ArrayList<>();
            for (String line : sofar) {
                types.add(JSON.readTree(line).get("type").asText());
            }
            assertEquals(List.of("SchedulerStarted", "Submitted", "Dispatched", "Started", "Finished"), types);
            assertEquals(done.lastIndex(), JSON.readTree(sofar.get(4)).get("index").asLong());

            List<String> followed = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> sawSubmit = new CompletableFuture<>();
            AtomicBoolean stop = new AtomicBoolean();
            long from = JSON.readTree(sofar.get(4)).get("index").asLong();
            CompletableFuture<Void> following = CompletableFuture.runAsync(() -> client.tail(from, true, line -> {
                followed.add(line);
                if (line.contains("\"Submitted\"")) {
                    sawSubmit.complete(null);
                }
            }, stop::get));
            JobId second = client.submit(JobSpec.process("default", "ana", "true").hold(true).build());
            sawSubmit.get(10, TimeUnit.SECONDS);
            stop.set(true);
            following.get(10, TimeUnit.SECONDS);
            assertEquals(sofar.get(4), followed.get(0), "from an index includes that entry");
            assertEquals(second.value(), JSON.readTree(followed.get(followed.size() - 1)).get("event").get("job").asLong());
        }
    }
}
