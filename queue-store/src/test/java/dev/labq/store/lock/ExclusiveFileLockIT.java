package dev.labq.store.lock;

import dev.labq.store.testkit.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The scheduler lock between processes: a live holder refuses others, a killed one leaves no stale lock. */
@Timeout(60)
class ExclusiveFileLockIT {
    @TempDir
    Path home;

    @Test
    void lockHeldByAnotherProcessIsSeenRefusedAndTakenOverAfterItIsKilled() throws Exception {
        Path file = home.resolve("scheduler.lock");
        try (ChildJvm child = ChildJvm.start(home, "hold-lock", file.toString())) {
            child.await("READY", Duration.ofSeconds(30));

            assertTrue(ExclusiveFileLock.isHeld(file));
            assertEquals(child.pid(), ExclusiveFileLock.holderPid(file));
            assertTrue(ExclusiveFileLock.tryAcquire(file).isEmpty(), "a live holder in another process refuses us");

            child.kill();
        }
        assertFalse(ExclusiveFileLock.isHeld(file), "the OS dropped the killed holder's lock");
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file).orElseThrow()) {
            assertEquals(ProcessHandle.current().pid(), ExclusiveFileLock.holderPid(file));
        }
    }

    @Test
    void lockHeldHereRefusesAnotherProcess() throws Exception {
        Path file = home.resolve("scheduler.lock");
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file).orElseThrow();
             ChildJvm child = ChildJvm.start(home, "hold-lock", file.toString())) {
            assertEquals("REFUSED", child.awaitAny(Duration.ofSeconds(30), "READY", "REFUSED"),
                        "the other process must not get a lock this JVM holds");
        }
    }

    @Test
    void probingOurOwnLockFromThisJvmKeepsOtherProcessesOut() throws Exception {
        Path file = home.resolve("scheduler.lock");
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file).orElseThrow()) {
            assertTrue(ExclusiveFileLock.isHeld(file));
            try (ChildJvm child = ChildJvm.start(home, "hold-lock", file.toString())) {
                assertEquals("REFUSED", child.awaitAny(Duration.ofSeconds(30), "READY", "REFUSED"),
                        "the other process must not get a lock this JVM holds");
            }
        }
    }

    @Test
    void refusedSecondAcquireInThisJvmKeepsOtherProcessesOut() throws Exception {
        Path file = home.resolve("scheduler.lock");
        try (ExclusiveFileLock lock = ExclusiveFileLock.tryAcquire(file).orElseThrow()) {
            assertTrue(ExclusiveFileLock.tryAcquire(file).isEmpty());
            try (ChildJvm child = ChildJvm.start(home, "hold-lock", file.toString())) {
                assertEquals("REFUSED", child.awaitAny(Duration.ofSeconds(30), "READY", "REFUSED"),
                        "the other process must not get a lock this JVM holds");
            }
        }
    }
}
