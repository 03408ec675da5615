package dev.labq.store.checkpoint;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link CheckpointStore} provider must do: each provider's test extends this. */
abstract class CheckpointStoreContract {
    @TempDir
    Path dir;

    Path staging;
    BaseCheckpointStore store;

    /** The provider under test, kept under {@code root}. */
    abstract BaseCheckpointStore open(Path root);

    /** Damages one byte of the data of {@code checkpoint}'s file {@code path}, as a failing disk would. */
    abstract void damage(Checkpoint checkpoint, String path) throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = open(dir.resolve("store"));
        staging = Files.createDirectories(dir.resolve("staging"));
    }

    void stage(String path, byte[] content) throws IOException {
        Path file = staging.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private static List<Path> contents(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(directory::relativize).sorted().toList();
        }
    }

    @Test
    void aCommittedCheckpointHoldsTheStagedFilesVerifiesAndLeavesStagingEmpty() throws IOException {
        byte[] model = bytes(3 * 1024 * 1024 + 17, 1);
        stage("model.bin", model);
        stage("opt/state.txt", "step 7\n".getBytes());
        Checkpoint c = store.put("12", staging, 1000, 3);
        assertEquals(1, c.number());
        assertEquals(2, c.files());
        assertEquals(model.length + 7, c.bytes());
        assertEquals(1000, c.createdMillis());
        assertNotNull(c.checksum());
        assertEquals(List.of(), contents(staging), "staging is empty for the next checkpoint");

        assertTrue(store.verify("12", 1).valid(), () -> store.verify("12", 1).problem());
        Path restored = store.open("12", 1, dir.resolve("scratch"));
        assertArrayEquals(model, Files.readAllBytes(restored.resolve("model.bin")));
        assertEquals("step 7\n", Files.readString(restored.resolve("opt/state.txt")));
        assertEquals(List.of(c.number()), store.list("12").stream().map(Checkpoint::number).toList());
        Checkpoint listed = store.list("12").get(0);
        assertEquals(c.checksum(), listed.checksum());
        assertEquals(c.bytes(), listed.bytes());
        assertEquals(c, store.find("12", 1).map(f -> new Checkpoint(f.owner(), f.number(), f.createdMillis(), f.files(),
                f.bytes(), c.storedBytes(), f.checksum(), f.path())).orElseThrow());
        assertTrue(store.find("12", 2).isEmpty());
        assertEquals(List.of(), store.list("13"), "another owner has none");
    }

    @Test
    void onlyTheNewestAreKeptAndNumbersAreNeverReused() throws IOException {
        for (int i = 1; i <= 4; i++) {
            stage("state", ("step " + i).getBytes());
            assertEquals(i, store.put("7", staging, i, 2).number());
        }
        assertEquals(List.of(3L, 4L), store.list("7").stream().map(Checkpoint::number).toList());
        store.delete("7", 4);
        stage("state", "step 5".getBytes());
        assertEquals(5, store.put("7", staging, 5, 2).number(), "4 was deleted, but is not given again");
        assertEquals("step 5", Files.readString(store.open("7", 5, dir.resolve("scratch")).resolve("state")));
        assertTrue(store.verify("7", 3).valid(), "pruning and deleting spared the others");
    }

    @Test
    void whatCannotBeCommittedIsRefusedWithStagingAndStoreUntouched() throws IOException {
        CheckpointException empty = assertThrows(CheckpointException.class, () -> store.put("1", staging, 0, 1));
        assertEquals(CheckpointException.Problem.INVALID_STAGING, empty.problem());
        assertTrue(empty.getMessage().contains("holds no file"), empty.getMessage());

        CheckpointException notDirectory = assertThrows(CheckpointException.class,
                () -> store.put("1", dir.resolve("nowhere"), 0, 1));
        assertTrue(notDirectory.getMessage().contains("is not a directory"), notDirectory.getMessage());

        Path outside = Files.writeString(dir.resolve("secret"), "x");
        stage("ok", "fine".getBytes());
        Files.createSymbolicLink(staging.resolve("link"), outside);
        CheckpointException link = assertThrows(CheckpointException.class, () -> store.put("1", staging, 0, 1));
        assertEquals(CheckpointException.Problem.INVALID_STAGING, link.problem());
        assertTrue(link.getMessage().contains("file=link is a symbolic link (to " + outside), link.getMessage());
        assertEquals(List.of(Path.of("ok")), contents(staging).stream().filter(p -> !p.toString().equals("link")).toList());
        assertEquals(List.of(), store.list("1"));

        assertThrows(IllegalArgumentException.class, () -> store.put("../x", staging, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> store.put("1", staging, 0, 0));
    }

    @Test
    void aFileChangingDuringTheCommitIsRefusedAndThePreviousCheckpointStaysNewest() throws IOException {
        stage("state", "one".getBytes());
        store.put("3", staging, 1, 5);
        stage("state", "two".getBytes());
        store.afterScan = () -> {
            try {
                Files.writeString(staging.resolve("state"), "two and more");
                Files.setLastModifiedTime(staging.resolve("state"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        CheckpointException changed = assertThrows(CheckpointException.class, () -> store.put("3", staging, 2, 5));
        assertEquals(CheckpointException.Problem.INVALID_STAGING, changed.problem());
        assertTrue(changed.getMessage().contains("file=state changed while it was being committed"), changed.getMessage());
        assertEquals(List.of(1L), store.list("3").stream().map(Checkpoint::number).toList());
        assertEquals("two and more", Files.readString(staging.resolve("state")), "the job's file is back where it was");
    }

    @Test
    void aFullDiskDuringTheCommitLeavesThePreviousCheckpointAndTheStagedFiles() throws IOException {
        stage("state", bytes(4096, 2));
        Checkpoint first = store.put("5", staging, 1, 5);
        byte[] next = bytes(2 * 1024 * 1024, 3);
        stage("state", next);
        store.failWritesAfter(100);
        CheckpointException full = assertThrows(CheckpointException.class, () -> store.put("5", staging, 2, 5));
        assertEquals(CheckpointException.Problem.STORAGE, full.problem());
        assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
        assertTrue(full.getMessage().contains("the one before stays the newest"), full.getMessage());
        assertEquals(List.of(first.number()), store.list("5").stream().map(Checkpoint::number).toList());
        assertTrue(store.verify("5", 1).valid());
        assertArrayEquals(next, Files.readAllBytes(staging.resolve("state")), "the staged state is still there to commit again");

        store.failWritesAfter(Long.MAX_VALUE);
        assertEquals(3, store.put("5", staging, 3, 5).number(), "committed once there is room");
    }

    @Test
    void aDamagedCheckpointFailsVerificationAndIsQuarantinedOutOfTheList() throws IOException {
        stage("state", bytes(10_000, 4));
        store.put("9", staging, 1, 5);
        stage("state", bytes(10_000, 5));
        Checkpoint second = store.put("9", staging, 2, 5);
        damage(second, "state");
        Verification bad = store.verify("9", 2);
        assertFalse(bad.valid());
        assertTrue(bad.problem().contains("state"), bad.problem());
        assertTrue(store.verify("9", 1).valid(), "the one before is whole");

        store.quarantine("9", 2);
        assertEquals(List.of(1L), store.list("9").stream().map(Checkpoint::number).toList());
        assertEquals(List.of(2L), store.quarantined("9"));
        stage("state", "after".getBytes());
        assertEquals(3, store.put("9", staging, 3, 5).number());
    }

    @Test
    void aDamagedManifestFailsVerification() throws IOException {
        stage("state", "x".getBytes());
        Checkpoint c = store.put("4", staging, 1, 5);
        Path manifest = c.path().resolve(Manifest.NAME);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("created 1", "created 2"));
        Verification v = store.verify("4", 1);
        assertFalse(v.valid());
        assertTrue(v.problem().contains("manifest is damaged"), v.problem());
        assertEquals(null, store.list("4").get(0).checksum(), "listed, with nothing known");
        Files.delete(manifest);
        assertTrue(store.verify("4", 1).problem().contains("cannot be read"));
        assertThrows(CheckpointException.class, () -> store.open("4", 1, dir.resolve("scratch")));
    }

    @Test
    void whatACrashLeftMidCommitIsNotACheckpointAndIsCleanedByTheNext() throws IOException {
        stage("state", "x".getBytes());
        store.put("6", staging, 1, 5);
        Path leftover = Files.createDirectories(dir.resolve("store/6/.incoming-000000002"));
        Files.writeString(leftover.resolve("half"), "torn");
        assertEquals(List.of(1L), store.list("6").stream().map(Checkpoint::number).toList());
        stage("state", "y".getBytes());
        assertEquals(2, store.put("6", staging, 2, 5).number());
        assertFalse(Files.exists(leftover));
        assertTrue(store.verify("6", 2).valid());
    }

    @Test
    void anUnknownCheckpointIsNamedWithTheOnesThereAre() throws IOException {
        stage("state", "x".getBytes());
        store.put("8", staging, 1, 5);
        for (Runnable op : List.<Runnable>of(() -> store.verify("8", 4), () -> store.open("8", 4, dir), () -> store.delete("8", 4),
                () -> store.quarantine("8", 4))) {
            CheckpointException e = assertThrows(CheckpointException.class, op::run);
            assertEquals(CheckpointException.Problem.UNKNOWN_CHECKPOINT, e.problem());
            assertTrue(e.getMessage().contains("checkpoint=4 of 8 does not exist; its checkpoints are [1]"), e.getMessage());
        }
    }

    @Test
    void concurrentCommitsOfOneOwnerGetDistinctNumbersAndAllVerify() throws Exception {
        int commits = 6;
        List<Path> stagings = new ArrayList<>();
        for (int i = 0; i < commits; i++) {
            Path s = Files.createDirectories(dir.resolve("staging-" + i));
            Files.write(s.resolve("state"), bytes(100_000, i));
            stagings.add(s);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Checkpoint>> done = new ArrayList<>();
        for (Path s : stagings) {
            done.add(pool.submit(() -> open(dir.resolve("store")).put("2", s, 1, commits)));
        }
        List<Long> numbers = new ArrayList<>();
        for (Future<Checkpoint> f : done) {
            numbers.add(f.get().number());
        }
        pool.shutdown();
        Collections.sort(numbers);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), numbers);
        for (long n : numbers) {
            assertTrue(store.verify("2", n).valid(), () -> store.verify("2", n).problem());
        }
    }

    @Test
    void aBegunCommitFreesTheStagingDirectoryAtOnceAndFinishesOnAnotherThread() throws Exception {
        stage("state", "first".getBytes());
        CheckpointStore.PendingCheckpoint pending = store.begin("11", staging, 1, 5);
        assertEquals(1, pending.number());
        assertEquals(1, pending.files());
        assertEquals(5, pending.bytes());
        assertEquals(List.of(), contents(staging), "taken: the job may write its next state now");
        stage("state", "second".getBytes());
        assertEquals(List.of(), store.list("11"), "not visible before it is finished");
        Checkpoint done = Executors.newSingleThreadExecutor().submit(pending::finish).get();
        assertEquals(1, done.number());
        assertEquals("first", Files.readString(store.open("11", 1, dir.resolve("scratch")).resolve("state")));
        assertEquals(2, store.put("11", staging, 2, 5).number(), "the lock went with the finished commit");

        stage("state", "third".getBytes());
        store.begin("11", staging, 3, 5).abandon();
        assertEquals("third", Files.readString(staging.resolve("state")), "an abandoned commit gives its files back");
        assertEquals(List.of(1L, 2L), store.list("11").stream().map(Checkpoint::number).toList());
    }

    @Test
    void providersAreFoundByName() {
        assertEquals(List.of("chunked", "filesystem"), CheckpointStores.names());
        assertEquals(store.provider(), CheckpointStores.open(store.provider(), dir.resolve("other")).provider());
        CheckpointException unknown = assertThrows(CheckpointException.class, () -> CheckpointStores.open("s3", dir));
        assertTrue(unknown.getMessage().contains("use one of [chunked, filesystem]"), unknown.getMessage());
    }
}
