package dev.labq.store.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds checkpoint store providers through {@link ServiceLoader}, by name. */
public final class CheckpointStores {
    /** The provider used when the configuration names none. */
    public static final String DEFAULT = FilesystemCheckpointStore.NAME;

    private CheckpointStores() {
    }

    /** The names of every provider on the class path, sorted. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(CheckpointStoreProvider.class).forEach(p -> names.add(p.name()));
        names.sort(null);
        return names;
    }

    /** The store of provider {@code name} under {@code root}; a {@link CheckpointException} naming the providers there are. */
    public static CheckpointStore open(String name, Path root) {
        for (CheckpointStoreProvider provider : ServiceLoader.load(CheckpointStoreProvider.class)) {
            if (provider.name().equals(name)) {
                return provider.open(root);
            }
        }
        throw new CheckpointException(CheckpointException.Problem.STORAGE, "checkpoint store=" + name
                + " is not a provider on the class path; use one of " + names());
    }
}
