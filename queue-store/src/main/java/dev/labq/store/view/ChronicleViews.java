package dev.labq.store.view;

import dev.labq.store.Journal;
import dev.labq.store.KeyValueView;
import dev.labq.store.StoreException;
import dev.labq.store.Views;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Views} as persisted Chronicle Maps, one file each, plus a marker file that exists while a writer
 * has them open: its presence at the next open means the last writer died and the maps need recovery.
 */
public final class ChronicleViews implements Views {
    public static final String META_FILE = "meta.cm3";
    public static final String WRITER_MARKER = "writer.open";
    private static final String LAST_APPLIED = "lastAppliedIndex";
    private static final String FORMAT = "format";
    private static final String REBUILDING = "rebuilding";

    private final Path directory;
    private final boolean writer;
    private final ChronicleMap<String, Long> meta;
    private final ChronicleKeyValueView<Long> jobs;
    private final ChronicleKeyValueView<Long> allocations;
    private final ChronicleKeyValueView<String> usage;
    private final ChronicleKeyValueView<Long> devices;
    private final OpenOutcome outcome;

    private ChronicleViews(Path directory, boolean writer, long expectedJobs, boolean recover, OpenOutcome outcome) {
        this.directory = directory;
        this.writer = writer;
        this.outcome = outcome;
        long jobsEntries = Math.max(expectedJobs, 10_000);
        List<ChronicleMap<?, ?>> opened = new ArrayList<>(4);
        try {
            this.meta = build(ChronicleMapBuilder.of(String.class, Long.class).name("meta").skipCloseOnExitHook(true)
                    .averageKey(LAST_APPLIED).entries(64), META_FILE, recover, opened);
            this.jobs = new ChronicleKeyValueView<>(build(ChronicleMapBuilder.of(Long.class, byte[].class).name("jobs").skipCloseOnExitHook(true)
                    .averageValueSize(384).entries(jobsEntries).maxBloatFactor(4), "jobs.cm3", recover, opened));
            this.allocations = new ChronicleKeyValueView<>(build(ChronicleMapBuilder.of(Long.class, byte[].class)
                    .name("allocations").skipCloseOnExitHook(true).averageValueSize(96).entries(jobsEntries / 10 + 1_000).maxBloatFactor(4),
                    "allocations.cm3", recover, opened));
            this.usage = new ChronicleKeyValueView<>(build(ChronicleMapBuilder.of(String.class, byte[].class)
                    .name("usage").skipCloseOnExitHook(true).averageKeySize(24).averageValueSize(64).entries(10_000).maxBloatFactor(4),
                    "usage.cm3", recover, opened));
            this.devices = new ChronicleKeyValueView<>(build(ChronicleMapBuilder.of(Long.class, byte[].class)
                    .name("devices").skipCloseOnExitHook(true).averageValueSize(128).entries(1_024).maxBloatFactor(4),
                    "devices.cm3", recover, opened));
        } catch (StoreException e) {
            opened.forEach(ChronicleMap::close); // leave no map of a half-opened set mapped
            throw e;
        }
    }

    public static ChronicleViews open(Path directory, long expectedJobs, boolean writer) {
        if (!writer) {
            if (!Views.exist(directory)) {
                throw new StoreException("views=" + directory + " do not exist yet; start `labq serve` once to build them");
            }
            return new ChronicleViews(directory, false, expectedJobs, false, OpenOutcome.CLEAN);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("views=" + directory + " cannot be created (" + e.getMessage()
                    + "); check the permissions of the labq home", e);
        }
        Path marker = directory.resolve(WRITER_MARKER);
        OpenOutcome outcome = !Views.exist(directory) ? OpenOutcome.CREATED
                : Files.exists(marker) ? OpenOutcome.RECOVERED : OpenOutcome.CLEAN;
        ChronicleViews views = new ChronicleViews(directory, true, expectedJobs, outcome == OpenOutcome.RECOVERED, outcome);
        Long format = views.meta.get(FORMAT);
        if (format != null && format != FORMAT_VERSION) {
            views.clear();
            views = views.withOutcome(OpenOutcome.WIPED_FOR_FORMAT);
        }
        views.meta.put(FORMAT, (long) FORMAT_VERSION);
        try {
            Files.writeString(marker, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            views.close();
            throw new StoreException("views=" + directory + " cannot be marked open (" + e.getMessage() + ")", e);
        }
        return views;
    }

    private ChronicleViews withOutcome(OpenOutcome newOutcome) {
        return new ChronicleViews(this, newOutcome);
    }

    private ChronicleViews(ChronicleViews same, OpenOutcome outcome) {
        this.directory = same.directory;
        this.writer = same.writer;
        this.meta = same.meta;
        this.jobs = same.jobs;
        this.allocations = same.allocations;
        this.usage = same.usage;
        this.devices = same.devices;
        this.outcome = outcome;
    }

    private <K, V> ChronicleMap<K, V> build(ChronicleMapBuilder<K, V> builder, String fileName, boolean recover,
                                            List<ChronicleMap<?, ?>> opened) {
        File file = directory.resolve(fileName).toFile();
        try {
            ChronicleMap<K, V> map = recover ? builder.recoverPersistedTo(file, true) : builder.createPersistedTo(file);
            opened.add(map);
            return map;
        } catch (IOException | RuntimeException e) {
            throw new StoreException("view=" + file + " cannot be opened (" + e.getMessage()
                    + "); stop labq and run `labq replay --rebuild` to rebuild the views from the journal", e);
        }
    }

    @Override
    public KeyValueView<Long> jobs() {
        return jobs;
    }

    @Override
    public KeyValueView<Long> allocations() {
        return allocations;
    }

    @Override
    public KeyValueView<String> usage() {
        return usage;
    }

    @Override
    public KeyValueView<Long> devices() {
        return devices;
    }

    @Override
    public long lastAppliedIndex() {
        Long index = meta.get(LAST_APPLIED);
        return index == null ? Journal.BEFORE_FIRST : index;
    }

    @Override
    public void lastAppliedIndex(long index) {
        meta.put(LAST_APPLIED, index);
    }

    @Override
    public boolean rebuildInProgress() {
        return meta.containsKey(REBUILDING);
    }

    @Override
    public void rebuildInProgress(boolean inProgress) {
        if (inProgress) {
            meta.put(REBUILDING, 1L);
        } else {
            meta.remove(REBUILDING);
        }
    }

    @Override
    public OpenOutcome openOutcome() {
        return outcome;
    }

    @Override
    public void clear() {
        jobs.clear();
        allocations.clear();
        usage.clear();
        devices.clear();
        meta.remove(LAST_APPLIED);
    }

    @Override
    public void close() {
        jobs.close();
        allocations.close();
        usage.close();
        devices.close();
        meta.close();
        if (writer) {
            try {
                Files.deleteIfExists(directory.resolve(WRITER_MARKER));
            } catch (IOException e) {
                throw new StoreException("views=" + directory + " cannot be marked closed (" + e.getMessage() + ")", e);
            }
        }
    }
}
