package dev.labq.store.lock;

import dev.labq.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The scheduler lock within one JVM: one holder, who it is, and release on close. */
class ExclusiveFileLockTest {
    @TempDir
    Path home;

    private Path file() {
        return home.resolve("scheduler.lock");
    }

    @Test
    void firstTryAcquireTakesTheLockAndWritesThisPid() {
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file()).orElseThrow()) {
            assertNotNull(lock);
            assertEquals(ProcessHandle.current().pid(), ExclusiveFileLock.holderPid(file()));
        }
    }

    @Test
    void secondLockHolderInTheSameJvmIsRefused() {
        try (ExclusiveFileLock first = ExclusiveFileLock.tryAcquire(file()).orElseThrow()) {
            Optional<ExclusiveFileLock> second = ExclusiveFileLock.tryAcquire(file());
            assertTrue(second.isEmpty());
        }
    }

    @Test
    void lockIsHeldWhileOpenAndFreeAfterClose() {
        ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file()).orElseThrow();
        assertTrue(ExclusiveFileLock.isHeld(file()));
        lock.close();
        assertFalse(ExclusiveFileLock.isHeld(file()));
        assertEquals(ProcessHandle.current().pid(), ExclusiveFileLock.holderPid(file()), "the last holder's pid stays, informative only");

        try (ExclusiveFileLock again = ExclusiveFileLock.tryAcquire(file()).orElseThrow()) {
            assertTrue(ExclusiveFileLock.isHeld(file()), "a released lock can be taken again");
        }
    }

    @Test
    void absentLockFileIsNotHeldAndHasNoHolder() {
        assertFalse(ExclusiveFileLock.isHeld(file()));
        assertEquals(-1, ExclusiveFileLock.holderPid(file()));
        assertFalse(Files.exists(file()), "probing must not create the lock file");
    }

    @Test
    void holderPidIsUnknownForEmptyOrGarbledFile() throws Exception {
        Files.writeString(file(), "");
        assertEquals(-1, ExclusiveFileLock.holderPid(file()));
        Files.writeString(file(), "not-a-pid\n");
        assertEquals(-1, ExclusiveFileLock.holderPid(file()));
        Files.writeString(file(), "  4242 \n");
        assertEquals(4242, ExclusiveFileLock.holderPid(file()));
    }

    @Test
    void newHolderOverwritesALongerStalePid() throws Exception {
        Files.writeString(file(), "123456789012345\n");
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file()).orElseThrow()) {
            assertEquals(ProcessHandle.current().pid(), ExclusiveFileLock.holderPid(file()));
        }
    }

    @Test
    void lockInAMissingDirectoryIsAStoreExceptionNamingTheFile() {
        Path file = home.resolve("no-such-dir").resolve("scheduler.lock");
        StoreException e = assertThrows(StoreException.class, () -> ExclusiveFileLock.tryAcquire(file));
        assertTrue(e.getMessage().contains("lock=" + file), e.getMessage());
    }

    @Test
    void probingADirectoryIsAStoreException() throws Exception {
        Path dir = Files.createDirectories(home.resolve("a-directory"));
        assertThrows(StoreException.class, () -> ExclusiveFileLock.isHeld(dir));
    }
}
