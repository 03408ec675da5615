package dev.labq.core.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourcesTest {

    @Test
    void defaultIsOneCpuAndQuarterGigabyteWithoutGpus() {
        assertEquals(new Resources(1, 256, 0, null), Resources.DEFAULT);
    }

    @Test
    void rejectsZeroCpusNamingTheField() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Resources(0, 256, 0, null));
        assertTrue(e.getMessage().startsWith("invalid cpus=0: "), e.getMessage());
    }

    @Test
    void rejectsNegativeMemoryNamingTheField() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Resources(1, -1, 0, null));
        assertTrue(e.getMessage().startsWith("invalid mem=-1M: "), e.getMessage());
    }

    @Test
    void acceptsZeroMemory() {
        assertEquals(0, new Resources(1, 0, 0, null).memoryMb());
    }

    @Test
    void rejectsNegativeGpusNamingTheField() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Resources(1, 256, -1, null));
        assertTrue(e.getMessage().startsWith("invalid gpus=-1: "), e.getMessage());
    }

    @Test
    void rejectsGpuTypeWithoutGpusNamingTheType() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new Resources(1, 256, 0, "a100"));
        assertTrue(e.getMessage().startsWith("invalid gpu-type=a100: "), e.getMessage());
        assertTrue(e.getMessage().contains("--gpus"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankGpuTypeMeansAnyType(String blank) {
        assertNull(new Resources(1, 256, 1, blank).gpuType());
        // and a blank type without GPUs is not an error, since it means no type
        assertNull(new Resources(1, 256, 0, blank).gpuType());
    }

    @Test
    void keepsGpuTypeWhenGpusAreAskedFor() {
        assertEquals("t4", new Resources(2, 1024, 2, "t4").gpuType());
    }

    @ParameterizedTest(name = "{0} -> {1} MiB")
    @CsvSource({
            "512, 512",
            "0, 0",
            "512M, 512",
            "512m, 512",
            "512MB, 512",
            "512mb, 512",
            "4G, 4096",
            "4g, 4096",
            "4GB, 4096",
            "1T, 1048576",
            "1TB, 1048576",
            "2048K, 2",
            "2048KB, 2",
            "1536K, 1",
            "' 4G ', 4096",
            "'4 G', 4096",
    })
    void parsesMemorySizesIntoMebibytes(String text, long expectedMb) {
        assertEquals(expectedMb, Resources.parseMemoryMb(text));
    }

    @Test
    void kilobytesBelowOneMebibyteRoundUpToOne() {
        assertEquals(1, Resources.parseMemoryMb("1K"));
        assertEquals(1, Resources.parseMemoryMb("1023K"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4X", "4P", "12Q", "Z"})
    void rejectsUnknownMemoryUnitNamingTheText(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resources.parseMemoryMb(text));
        assertTrue(e.getMessage().startsWith("invalid mem=" + text + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("512M, 4G or 1T"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "B", "G", "lots", "1.5G", "4GG", "0x10"})
    void rejectsNonNumericMemoryNamingTheText(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resources.parseMemoryMb(text));
        assertTrue(e.getMessage().startsWith("invalid mem=" + text + ": "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1G", "-512M", "-4K"})
    void rejectsNegativeMemoryNamingTheText(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resources.parseMemoryMb(text));
        assertTrue(e.getMessage().startsWith("invalid mem=" + text + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("positive size"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"17592186044416T", "9007199254740992G", "9223372036854775807T"})
    void rejectsMemorySizeTooLargeToRepresent(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Resources.parseMemoryMb(text));
        assertTrue(e.getMessage().startsWith("invalid mem=" + text + ": "), e.getMessage());
    }
}
