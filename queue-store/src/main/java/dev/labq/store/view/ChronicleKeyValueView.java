package dev.labq.store.view;

import dev.labq.store.KeyValueView;
import net.openhft.chronicle.map.ChronicleMap;

import java.util.function.BiConsumer;

/** {@link KeyValueView} over one persisted Chronicle Map. */
final class ChronicleKeyValueView<K> implements KeyValueView<K> {
    private final ChronicleMap<K, byte[]> map;

    ChronicleKeyValueView(ChronicleMap<K, byte[]> map) {
        this.map = map;
    }

    @Override
    public byte[] get(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public void remove(K key) {
        map.remove(key);
    }

    @Override
    public void forEach(BiConsumer<K, byte[]> visitor) {
        map.forEach(visitor);
    }

    @Override
    public long size() {
        return map.longSize();
    }

    @Override
    public void clear() {
        map.clear();
    }

    void close() {
        map.close();
    }
}
