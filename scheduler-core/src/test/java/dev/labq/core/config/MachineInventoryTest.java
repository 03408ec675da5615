package dev.labq.core.config;

import dev.labq.core.config.MachineInventory.GpuDevice;
import dev.labq.core.domain.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineInventoryTest {

    private static void assertStartsWith(String prefix, String actual) {
        assertTrue(actual.startsWith(prefix), "expected <" + prefix + "...> but was <" + actual + ">");
    }

    @Test
    void explicitCpusAndMemoryAreTakenAsGiven() {
        MachineInventory m = MachineInventory.of(new LabqConfig.Machine(" 12 ", "64G",
                List.of(new LabqConfig.Gpu(1, "t4", "16G"), new LabqConfig.Gpu(0, "a100", "80G"))));
        assertEquals(12, m.cpus());
        assertEquals(65_536, m.memoryMb());
        assertEquals(List.of(new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "t4", 16_384)), m.gpus(),
                "devices are listed by id");
    }

    @Test
    void memoryWithoutUnitIsMebibytes() {
        assertEquals(4096, MachineInventory.of(new LabqConfig.Machine("1", "4096", List.of())).memoryMb());
    }

    @Test
    void autoReadsTheRealMachine() {
        MachineInventory m = MachineInventory.of(new LabqConfig.Machine("auto", "auto", List.of()));
        assertEquals(Runtime.getRuntime().availableProcessors(), m.cpus());
        assertTrue(m.memoryMb() > 0, "memory " + m.memoryMb());
        assertEquals(List.of(), m.gpus());
    }

    @Test
    void nullFieldsMeanAuto() {
        MachineInventory m = MachineInventory.of(new LabqConfig.Machine(null, "1G", null));
        assertEquals(Runtime.getRuntime().availableProcessors(), m.cpus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-2", "many", "", "1.5", "AUTO"})
    void badCpuCountNamesFieldAndValue(String cpus) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MachineInventory.of(new LabqConfig.Machine(cpus, "1G", List.of())));
        assertStartsWith("invalid machine.cpus=" + cpus + ": use auto or a whole number of CPUs", e.getMessage());
    }

    @Test
    void badMemorySizeNamesTheValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MachineInventory.of(new LabqConfig.Machine("2", "lots", List.of())));
        assertStartsWith("invalid mem=lots: ", e.getMessage());
    }

    @Test
    void badGpuMemorySizeNamesTheValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MachineInventory.of(new LabqConfig.Machine("2", "1G", List.of(new LabqConfig.Gpu(0, "t4", "16Q")))));
        assertStartsWith("invalid mem=16Q: ", e.getMessage());
    }

    @Test
    void duplicateGpuIdsAreRejectedNamingTheId() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MachineInventory.of(new LabqConfig.Machine("2", "1G",
                        List.of(new LabqConfig.Gpu(0, "a100", "80G"), new LabqConfig.Gpu(0, "t4", "16G")))));
        assertStartsWith("invalid machine.gpus.id=0: give each GPU its own id", e.getMessage());
    }

    @Test
    void duplicateGpuIdsAreRejectedWhenBuiltDirectly() {
        assertThrows(InvalidInputException.class, () -> new MachineInventory(1, 1, List.of(
                new GpuDevice(2, "a", 1), new GpuDevice(1, "b", 1), new GpuDevice(2, "c", 1))));
    }

    @Test
    void answersQuestionsAboutGpuTypes() {
        MachineInventory m = new MachineInventory(4, 1024, List.of(
                new GpuDevice(0, "a100", 81_920), new GpuDevice(1, "t4", 16_384), new GpuDevice(2, "t4", 16_384)));
        assertTrue(m.hasGpuType("t4"));
        assertFalse(m.hasGpuType("h100"));
        assertEquals(2, m.gpuCount("t4"));
        assertEquals(1, m.gpuCount("a100"));
        assertEquals(0, m.gpuCount("h100"));
        assertEquals(3, m.gpuCount(null));
    }
}
