package dev.labq.store.checkpoint;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FilesystemCheckpointStoreTest extends CheckpointStoreContract {
    @Override
    BaseCheckpointStore open(Path root) {
        return new FilesystemCheckpointStore(root);
    }

    @Override
    void damage(Checkpoint checkpoint, String path) throws IOException {
        Path file = checkpoint.path().resolve("data").resolve(path);
        file.toFile().setWritable(true);
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
    }

    @Test
    void aJobResumesFromTheCheckpointItselfWhoseFilesAreReadOnly() throws IOException {
        stage("state", "x".getBytes());
        Checkpoint c = store.put("1", staging, 1, 1);
        Path resume = store.open("1", 1, dir.resolve("scratch"));
        assertEquals(c.path().resolve("data"), resume, "nothing copied");
        assertFalse(Files.getPosixFilePermissions(resume.resolve("state")).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
        assertEquals(c.bytes(), c.storedBytes());
    }
}
