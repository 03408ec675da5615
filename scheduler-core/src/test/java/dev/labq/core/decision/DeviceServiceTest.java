package dev.labq.core.decision;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.event.JournalEvent;
import dev.labq.core.intake.DeviceRequests;
import dev.labq.core.state.DeviceStates;
import dev.labq.core.state.GpuStatus;
import dev.labq.core.testkit.CoreDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drained and failed GPUs: no new work goes there, what runs on a failed one is requeued, resume brings it back. */
class DeviceServiceTest {
    private static final LabqConfig CONFIG = new LabqConfig(null, Map.of("default", new LabqConfig.Project(1), "p", new LabqConfig.Project(1)), null);
    private static final MachineInventory MACHINE = new MachineInventory(8, 32_768,
            List.of(new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "a100", 81_920)));

    private final CoreDriver d = new CoreDriver(CONFIG, MACHINE, 1_000);

    private JobId gpuJob() {
        return d.submit(JobSpec.process("p", "ana", "train").resources(new Resources(1, 256, 1, "a100")).build());
    }

    private List<String> states() {
        return GpuStatus.of(MACHINE, d.core().table()).stream().map(GpuStatus::state).toList();
    }

    @Test
    void aDrainedGpuTakesNoNewWorkWhileItsRunningJobGoesOn() {
        JobId first = gpuJob();
        d.decide();
        assertEquals(List.of(0), d.status(first).allocation().gpuIds(), "best fit: the first of two equal ones");
        d.apply(new JournalEvent.GpuDrained(0, "fan noise"));
        assertEquals(JobState.RUNNING, d.status(first).state(), "a drain lets running work end");
        assertEquals(List.of("drained", "idle"), states());
        d.finish(first);
        JobId second = gpuJob();
        JobId third = gpuJob();
        d.decide();
        assertEquals(List.of(1), d.status(second).allocation().gpuIds(), "not the drained one");
        assertEquals(JobState.PENDING, d.status(third).state());
        assertEquals("Resources", d.reason(third));
        assertEquals("needs 1 GPU of type a100, 0 of the 2 that will do are free (out of service: gpu 0)",
                d.core().explain(third, d.now(), 5).placement(), "explain says what is short, and what is drained");
        assertEquals("needs 16 CPUs, 7 free; 32768M of memory, 32512M free; 0.5 of a GPU, 0 of the 2 that will do have that share"
                        + " free (out of service: gpu 0)",
                d.core().pool().refusal(new Resources(16, 32_768, 1, null).withGpu(null, 500)));
        d.apply(new JournalEvent.GpuResumed(0));
        assertEquals(null, d.core().explain(third, d.now(), 5).placement(), "it fits now");
        d.decide();
        assertEquals(List.of(0), d.status(third).allocation().gpuIds());
        assertEquals(List.of("full", "full"), states());
    }

    @Test
    void aFailedGpuRequeuesTheAttemptsOnItAndStaysFailedUntilResumedEvenWhenDrained() {
        JobId a = gpuJob();
        JobId b = gpuJob();
        d.decide();
        d.apply(new JournalEvent.GpuFailed(1, "nvidia-smi no longer finds GPU-x"));
        assertEquals(JobState.RUNNING, d.status(a).state());
        assertEquals(JobState.PENDING, d.status(b).state());
        assertEquals("Requeued after attempt 1: gpu 1 failed (nvidia-smi no longer finds GPU-x)", d.status(b).reason());
        d.apply(new JournalEvent.GpuDrained(1, "for the RMA"));
        assertEquals(DeviceStates.Service.FAILED, d.core().table().devices().get(1).orElseThrow().service(),
                "failed is the stronger state");
        d.finish(a);
        d.decide();
        assertEquals(2, d.status(b).attempt());
        assertEquals(List.of(0), d.status(b).allocation().gpuIds());
        assertEquals(List.of("full", "failed"), states());
        GpuStatus failed = GpuStatus.of(MACHINE, d.core().table()).get(1);
        assertEquals("nvidia-smi no longer finds GPU-x", failed.reason());
        d.apply(new JournalEvent.GpuResumed(1));
        assertTrue(d.core().table().devices().inService(1));
    }

    @Test
    void aJobBeingCancelledWhenItsGpuFailsEndsCancelledAndASharedGpuIsPartlyUsed() {
        JobId cancelled = gpuJob();
        JobId half = d.submit(JobSpec.process("p", "ana", "infer").resources(new Resources(1, 256, 1, "a100").withGpu(null, 500)).build());
        d.decide();
        d.apply(new JournalEvent.CancelRequested(cancelled));
        assertEquals(List.of("full", "partly-used"), states());
        d.apply(new JournalEvent.GpuFailed(0, "gone"));
        assertEquals(JobState.CANCELLED, d.status(cancelled).state());
        assertEquals("Cancelled by user; gpu 0 failed (gone)", d.status(cancelled).reason());
        assertEquals(JobState.RUNNING, d.status(half).state());
    }

    @Test
    void aFailedGpuTheMachineNoLongerHasIsStillListed() {
        d.apply(new JournalEvent.GpuFailed(7, "not on this machine when the scheduler restarted"));
        List<GpuStatus> all = GpuStatus.of(MACHINE, d.core().table());
        assertEquals(List.of(0, 1, 7), all.stream().map(GpuStatus::id).toList());
        assertEquals(null, all.get(2).type());
        assertEquals("failed", all.get(2).state());
    }

    @Test
    void drainAndResumeNameAGpuTheMachineHasOrOnceHad() {
        DeviceStates states = d.core().table().devices();
        assertEquals(new JournalEvent.GpuDrained(0, "fan"), DeviceRequests.drain(MACHINE, states, 0, " fan "));
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> DeviceRequests.drain(MACHINE, states, 5, "x"));
        assertEquals("invalid device=gpu:5: use one of [gpu:0, gpu:1] (`labq gpus` lists them)", unknown.getMessage());
        InvalidInputException noReason = assertThrows(InvalidInputException.class, () -> DeviceRequests.drain(MACHINE, states, 0, " "));
        assertEquals("reason", noReason.field());
        d.apply(new JournalEvent.GpuFailed(7, "gone"));
        assertEquals(new JournalEvent.GpuResumed(7), DeviceRequests.resume(MACHINE, states, 7), "a failed one that is gone may be resumed");
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> DeviceRequests.resume(new MachineInventory(1, 1, List.of()), new DeviceStates(), 0));
        assertEquals("invalid device=gpu:0: this machine has no GPU", none.getMessage());
    }
}
