package dev.labq.store.checkpoint;

import java.nio.file.Path;

/** Makes a {@link CheckpointStore} of one kind; listed in {@code META-INF/services} and chosen by {@link #name()}. */
public interface CheckpointStoreProvider {
    /** The name the configuration gives ({@code checkpoints.store}). */
    String name();

    /** The store kept under {@code root}. */
    CheckpointStore open(Path root);
}
