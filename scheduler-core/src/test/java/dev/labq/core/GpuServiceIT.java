package dev.labq.core;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.gpu.GpuProbe;
import dev.labq.core.gpu.GpuScan;
import dev.labq.core.state.GpuStatus;
import dev.labq.core.state.JobStatus;
import dev.labq.core.view.ViewAudit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPUs that leave a real scheduler: one that disappears from discovery while a job runs on it, one gone while no
 * scheduler ran; the jobs on them are requeued (their processes killed), never lost, and the views agree.
 */
@Timeout(120)
class GpuServiceIT {
    @TempDir
    Path root;

    private final AtomicReference<Optional<GpuScan>> gpus = new AtomicReference<>(Optional.of(scan(0, 1)));

    private static GpuScan scan(int... indices) {
        List<GpuScan.Gpu> list = java.util.Arrays.stream(indices)
                .mapToObj(i -> new GpuScan.Gpu(i, "GPU-" + i, "NVIDIA A100-SXM4-80GB", 81_920, 0, 0)).toList();
        return new GpuScan(list, Map.of(), Map.of());
    }

    /** A scheduler whose GPUs are what {@link #gpus} says at its start and at every look, a second apart. */
    private LabqScheduler start() throws java.io.IOException {
        // The same machine for a client without a scheduler: discovery off, the two GPUs listed.
        java.nio.file.Files.writeString(root.resolve("labq.yaml"), """
                machine:
                  cpus: 2
                  memory: 4G
                  discover: "off"
                  gpuWatchSeconds: 1
                  gpus: [{ id: 0, type: a100 }, { id: 1, type: a100 }]
                projects:
                  default: { importance: 10 }
                scheduler: { killGraceSeconds: 0 }
                """);
        GpuProbe probe = gpus::get;
        return LabqScheduler.builder(root).gpuProbe(probe).tickMillis(20).start();
    }

    private static JobStatus await(LabqScheduler labq, JobId id, Predicate<JobStatus> until) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            JobStatus job = labq.job(id);
            if (until.test(job)) {
                return job;
            }
            assertTrue(System.nanoTime() < deadline, "waited in vain, job is " + job);
            Thread.sleep(20);
        }
    }

    @Test
    void aGpuThatDisappearsRequeuesItsJobOntoAnotherAndOneGoneAtARestartLeavesItPending() throws Exception {
        JobId id;
        long firstPid;
        try (LabqScheduler labq = start()) {
            id = labq.submit(JobSpec.process("default", "ana", "sleep", "60").resources(new Resources(1, 64, 1, null)).build()).id();
            JobStatus running = await(labq, id, j -> j.state() == JobState.RUNNING && j.pid() > 0);
            assertEquals(List.of(0), running.allocation().gpuIds());
            firstPid = running.pid();
            gpus.set(Optional.of(scan(1))); // GPU 0 falls off the bus
            JobStatus moved = await(labq, id, j -> j.attempt() == 2 && j.state() == JobState.RUNNING && j.pid() > 0);
            assertEquals(List.of(1), moved.allocation().gpuIds());
            assertTrue(await(labq, id, j -> ProcessHandle.of(firstPid).map(p -> !p.isAlive()).orElse(true)) != null,
                    "the first attempt's process was killed");
            try (LabqClient client = new dev.labq.core.client.InProcessClient(labq)) {
                List<GpuStatus> now = client.gpus();
                assertEquals(List.of("failed", "full"), now.stream().map(GpuStatus::state).toList());
                assertEquals("nvidia-smi no longer finds GPU-0", now.get(0).reason());
            }
        }
        gpus.set(Optional.of(scan(0))); // GPU 0 is back, GPU 1 gone, while no scheduler ran
        try (LabqScheduler labq = start()) {
            JobStatus requeued = await(labq, id, j -> j.state() == JobState.PENDING);
            assertTrue(requeued.reason() == null || !requeued.reason().isEmpty());
            Thread.sleep(200);
            assertEquals(JobState.PENDING, labq.job(id).state(), "GPU 0 stays failed until resumed");
            try (LabqClient client = new dev.labq.core.client.InProcessClient(labq)) {
                assertEquals(List.of("failed", "failed"), client.gpus().stream().map(GpuStatus::state).toList());
                client.resumeGpu(0);
            }
            JobStatus third = await(labq, id, j -> j.attempt() == 3 && j.state() == JobState.RUNNING);
            assertEquals(List.of(0), third.allocation().gpuIds());
            labq.cancel(id);
            await(labq, id, JobStatus::isTerminal);
        }
        ViewAudit.Report audit = ViewAudit.verify(LabqHome.of(root));
        assertTrue(audit.agrees(), audit.differences().toString());
        try (LabqClient offline = LabqClient.direct(LabqHome.of(root))) {
            List<GpuStatus> after = offline.gpus();
            assertEquals(List.of(0, 1), after.stream().map(GpuStatus::id).toList());
            assertEquals(List.of("idle", "failed"), after.stream().map(GpuStatus::state).toList());
            assertEquals("labq.yaml", after.get(0).source());
        }
    }
}
