package dev.labq.store;

import java.util.function.BiConsumer;

/**
 * One persisted view: a map from a key to an opaque value that the scheduler folds from the journal.
 * Any process may read it while the one writer (the scheduler) updates it.
 */
public interface KeyValueView<K> {
    /** The value for {@code key}, or {@code null}. */
    byte[] get(K key);

    void put(K key, byte[] value);

    void remove(K key);

    /** Visits every entry; the order is unspecified. */
    void forEach(BiConsumer<K, byte[]> visitor);

    long size();

    void clear();
}
