package dev.labq.store.checkpoint;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedCheckpointStoreTest extends CheckpointStoreContract {
    @Override
    BaseCheckpointStore open(Path root) {
        return new ChunkedCheckpointStore(root);
    }

    @Override
    void damage(Checkpoint checkpoint, String path) throws IOException {
        Manifest m = Manifest.decode(Files.readAllBytes(checkpoint.path().resolve(Manifest.NAME)));
        String chunk = m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().chunks().get(0);
        Path file = ((ChunkedCheckpointStore) store).chunk(chunk);
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
    }

    private long chunkFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("store/.chunks"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void aCheckpointChangingOneChunkOfTwentyWritesAboutOneTwentieth() throws IOException {
        byte[] state = bytes(20 * ChunkedCheckpointStore.CHUNK, 1);
        stage("state", state);
        Checkpoint full = store.put("1", staging, 1, 5);
        assertTrue(full.storedBytes() > state.length * 0.99, "random bytes do not compress: " + full.storedBytes());
        state[7 * ChunkedCheckpointStore.CHUNK + 5] ^= 1;
        stage("state", state);
        Checkpoint next = store.put("1", staging, 2, 5);
        double ratio = next.storedBytes() / (double) state.length;
        assertTrue(ratio > 0.04 && ratio < 0.06, "one chunk of twenty: " + ratio);
        assertEquals(21, chunkFiles());
        assertTrue(store.verify("1", 1).valid());
        assertTrue(store.verify("1", 2).valid());
    }

    @Test
    void deletingSweepsTheChunksNoCheckpointNamesAndKeepsSharedOnes() throws IOException {
        byte[] state = bytes(3 * ChunkedCheckpointStore.CHUNK, 2);
        stage("state", state);
        store.put("1", staging, 1, 5);
        state[0] ^= 1;
        stage("state", state);
        store.put("1", staging, 2, 5);
        assertEquals(4, chunkFiles());
        store.delete("1", 1);
        assertEquals(3, chunkFiles(), "the first chunk as it was is named by no checkpoint now");
        assertTrue(store.verify("1", 2).valid());
    }

    @Test
    void aDamagedChunkIsMovedAsideAndTheNextCommitWritesItAgain() throws IOException {
        byte[] state = bytes(ChunkedCheckpointStore.CHUNK + 10, 3);
        stage("state", state);
        Checkpoint c = store.put("1", staging, 1, 5);
        damage(c, "state");
        assertFalse(store.verify("1", 1).valid());
        assertTrue(store.verify("1", 1).problem().contains("is missing or does not decompress"), store.verify("1", 1).problem());
        store.quarantine("1", 1);
        stage("state", state);
        Checkpoint again = store.put("1", staging, 2, 5);
        assertTrue(store.verify("1", 2).valid(), "the same data stored whole again");
        assertTrue(again.storedBytes() > ChunkedCheckpointStore.CHUNK);
    }
}
