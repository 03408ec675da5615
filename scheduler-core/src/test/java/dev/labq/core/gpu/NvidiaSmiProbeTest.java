package dev.labq.core.gpu;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery from nvidia-smi output recorded on real machine shapes (config/nvidia-smi/), merged with labq.yaml. */
class NvidiaSmiProbeTest {
    private static final Path RECORDED = Path.of("..", "config", "nvidia-smi");

    private static MachineInventory machine(String recording, LabqConfig.Gpu... listed) {
        return MachineInventory.of(new LabqConfig.Machine("8", "64G", List.of(listed)),
                new NvidiaSmiProbe(new RecordedNvidiaSmi(RECORDED.resolve(recording))));
    }

    @Test
    void anEightGpuNvlinkServerIsEightA100sEachReachingTheOtherSeven() {
        MachineInventory m = machine("dgx-a100");
        assertEquals(8, m.gpus().size());
        for (GpuDevice gpu : m.gpus()) {
            assertEquals("a100", gpu.type());
            assertEquals(81_920, gpu.memoryMb());
            assertEquals("NVIDIA A100-SXM4-80GB", gpu.model());
            assertTrue(gpu.uuid().startsWith("GPU-"), gpu.uuid());
            assertEquals(gpu.uuid(), gpu.visibleAs(), "CUDA_VISIBLE_DEVICES by UUID: CUDA's order may differ");
            Set<Integer> others = new java.util.TreeSet<>(IntStream.range(0, 8).boxed().toList());
            others.remove(gpu.id());
            assertEquals(others, gpu.nvlinkPeers());
            assertEquals(GpuDevice.DISCOVERED, gpu.source());
        }
        assertEquals(List.of(), m.conflicts());
    }

    @Test
    void aMigPartitionedGpuIsItsInstancesNumberedAfterTheWholeGpus() {
        MachineInventory m = machine("a100-mig");
        assertEquals(List.of(1, 2, 3, 4, 5), m.gpus().stream().map(GpuDevice::id).toList(), "GPU 0 runs work only in its instances");
        assertEquals("t4", m.gpus().get(0).type());
        assertEquals(15_360, m.gpus().get(0).memoryMb());
        assertEquals(List.of("a100-3g.20gb", "a100-2g.10gb", "a100-1g.5gb", "a100-1g.5gb"),
                m.gpus().subList(1, 5).stream().map(GpuDevice::type).toList());
        assertEquals(List.of(20_480L, 10_240L, 5_120L, 5_120L), m.gpus().subList(1, 5).stream().map(GpuDevice::memoryMb).toList());
        assertTrue(m.gpus().get(1).visibleAs().startsWith("MIG-"), m.gpus().get(1).visibleAs());
        assertEquals(2, m.gpuCount("a100-1g.5gb"));
    }

    @Test
    void nvlinkPairsAreOnlyThePairsAndTheModelNameBecomesAShortType() {
        MachineInventory m = machine("rtx-4x-nvlink-pairs");
        assertEquals(List.of(Set.of(1), Set.of(0), Set.of(3), Set.of(2)), m.gpus().stream().map(GpuDevice::nvlinkPeers).toList());
        assertEquals("rtxa6000", m.gpus().get(0).type());
        assertEquals("h100", machine("h100").gpus().get(0).type());
        assertEquals(81_559, machine("h100").gpus().get(0).memoryMb());
    }

    @Test
    void modelNamesAsDriversPrintThem() {
        assertEquals("v100", NvidiaSmi.typeOf("Tesla V100-SXM2-32GB"));
        assertEquals("rtx4090", NvidiaSmi.typeOf("NVIDIA GeForce RTX 4090"));
        assertEquals("l40s", NvidiaSmi.typeOf("NVIDIA L40S"));
        assertEquals("a10g", NvidiaSmi.typeOf("NVIDIA A10G"));
        assertEquals("h100", NvidiaSmi.typeOf("NVIDIA H100 PCIe"));
        assertEquals("gpu", NvidiaSmi.typeOf("NVIDIA"));
        assertEquals("gtx1080ti", NvidiaSmi.typeOf("NVIDIA GeForce GTX 1080 Ti"));
        assertEquals("titanv", NvidiaSmi.typeOf("NVIDIA TITAN V"));
        assertEquals(10_240, new GpuScan.Mig(0, 0, "1g.10gb+me", "MIG-x").memoryMb(), "H100 profiles with media extensions");
        assertEquals(0, new GpuScan.Mig(0, 0, "odd", "MIG-y").memoryMb());
    }

    @Test
    void utilizationThatTheDriverDoesNotGiveIsUnknownAndAMalformedLineIsRefused() {
        List<GpuScan.Gpu> gpus = NvidiaSmi.parseQuery("0, GPU-a, NVIDIA A100-PCIE-40GB, 40960, 13, [N/A]\n\n1, GPU-b, Tesla T4, 15360, [N/A], 7\n");
        assertNull(gpus.get(0).utilizationPct());
        assertEquals(0, gpus.get(1).memoryUsedMb());
        assertEquals(7, gpus.get(1).utilizationPct());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NvidiaSmi.parseQuery("0, GPU-a\n"));
        assertEquals("nvidia-smi printed an unexpected GPU line: 0, GPU-a", e.getMessage());
    }

    @Test
    void aListedGpuWinsOverTheDiscoveredOneAndEveryDifferenceIsSaid() {
        MachineInventory m = machine("h100", new LabqConfig.Gpu(0, "hopper", "80G"), new LabqConfig.Gpu(3, "t4", "16G"),
                new LabqConfig.Gpu(1, "a100", "80G", true));
        assertEquals(List.of(0), m.gpus().stream().map(GpuDevice::id).toList(), "the placeholder goes: a GPU was found");
        GpuDevice zero = m.gpus().get(0);
        assertEquals("hopper", zero.type());
        assertEquals(81_920, zero.memoryMb());
        assertTrue(zero.visibleAs().startsWith("GPU-"), "still the discovered device");
        assertEquals(List.of("gpu 0: labq.yaml says hopper with 80G, nvidia-smi finds h100 (NVIDIA H100 80GB HBM3) with 81559M;"
                        + " labq.yaml's is used",
                "gpu 3 is listed in labq.yaml but nvidia-smi does not find it; left out (with machine.discover: off the"
                        + " listed GPUs are the machine)"), m.conflicts());
        MachineInventory typeOnly = machine("h100", new LabqConfig.Gpu(0, "h100", null));
        assertEquals(81_559, typeOnly.gpus().get(0).memoryMb(), "memory left out is the discovered one");
        assertEquals(List.of(), typeOnly.conflicts());
    }

    @Test
    void withoutNvidiaSmiTheListedGpusAndPlaceholdersAreTheMachineAndThatIsSaidOnce() {
        List<List<String>> asked = new ArrayList<>();
        CommandRunner missing = argv -> {
            asked.add(argv);
            throw new IOException("Cannot run program \"nvidia-smi\": error=2, No such file or directory");
        };
        NvidiaSmiProbe probe = new NvidiaSmiProbe(missing);
        MachineInventory m = MachineInventory.of(new LabqConfig.Machine("2", "1G",
                List.of(new LabqConfig.Gpu(0, "a100", "80G", true), new LabqConfig.Gpu(1, "t4", "16G"))), probe);
        assertEquals(List.of(GpuDevice.PLACEHOLDER, GpuDevice.LISTED), m.gpus().stream().map(GpuDevice::source).toList());
        assertEquals("0", m.gpus().get(0).visibleAs());
        assertEquals(List.of(), m.conflicts());
        assertEquals(Optional.empty(), probe.scan());
        assertEquals(2, asked.size(), "asked again at each look, in case the driver came back");
    }

    @Test
    void aFailingDriverGivesNoGpusAndAFailingTopologyQueryOnlyLosesTheNvlinks() throws IOException {
        CommandRunner broken = argv -> new CommandRunner.Output(9, "", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver");
        assertEquals(Optional.empty(), new NvidiaSmiProbe(broken).scan());
        CommandRunner garbled = argv -> new CommandRunner.Output(0, "No devices were found, 1, 2, 3, 4, 5\n", "");
        assertEquals(Optional.empty(), new NvidiaSmiProbe(garbled).scan(), "what cannot be read is no discovery, not a failed start");
        RecordedNvidiaSmi dgx = new RecordedNvidiaSmi(RECORDED.resolve("dgx-a100"));
        CommandRunner noTopology = argv -> argv.equals(NvidiaSmi.TOPOLOGY) ? new CommandRunner.Output(4, "", "") : dgx.run(argv);
        GpuScan scan = new NvidiaSmiProbe(noTopology).scan().orElseThrow();
        assertEquals(8, scan.gpus().size());
        assertEquals(java.util.Map.of(), scan.nvlinks());
        CommandRunner throwsOnList = argv -> {
            if (argv.equals(NvidiaSmi.LIST)) {
                throw new IOException("gone");
            }
            return dgx.run(argv);
        };
        assertEquals(java.util.Map.of(), new NvidiaSmiProbe(throwsOnList).scan().orElseThrow().mig());
        assertEquals(2, dgx.run(List.of("nvidia-smi", "-q")).exitCode(), "an unrecorded query");
        assertEquals("", dgx.run(NvidiaSmi.COMPUTE_APPS).stdout(), "no process recorded: none running");
        assertThrows(IOException.class, () -> new RecordedNvidiaSmi(RECORDED.resolve("nowhere")).run(NvidiaSmi.QUERY_GPU));
    }

    @Test
    void discoveryIsChosenInTheConfiguration() {
        assertEquals(Optional.empty(), GpuProbe.configured("off", Path.of(".")).scan());
        assertEquals(8, GpuProbe.configured("recorded:dgx-a100", RECORDED).scan().orElseThrow().gpus().size());
        assertTrue(GpuProbe.configured("auto", Path.of(".")) instanceof NvidiaSmiProbe);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> GpuProbe.configured("nvml", Path.of(".")));
        assertEquals("invalid machine.discover=nvml: use auto (nvidia-smi when installed), off, or recorded:DIR (recorded nvidia-smi output)",
                e.getMessage());
        assertThrows(InvalidInputException.class, () -> GpuProbe.configured("recorded:", Path.of(".")));
    }

    @Test
    void theSystemRunnerGivesWhatACommandPrintedAndRefusesOneThatCannotRun() throws IOException {
        CommandRunner system = CommandRunner.system(java.time.Duration.ofSeconds(10));
        CommandRunner.Output out = system.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(new CommandRunner.Output(3, "out\n", "err\n"), out);
        assertThrows(IOException.class, () -> system.run(List.of("/nonexistent/nvidia-smi")));
        assertThrows(IOException.class, () -> CommandRunner.system(java.time.Duration.ofMillis(50)).run(List.of("sleep", "5")));
    }
}
