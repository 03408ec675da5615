package dev.labq.core.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code nvidia-smi} as recorded on a real machine: a directory holding what each query printed
 * ({@code query-gpu.csv}, {@code list.txt} for {@code -L}, {@code topo.txt} for {@code topo -m}, and
 * optionally {@code compute-apps.csv}). Recordings of an 8-GPU NVLink server, a MIG-partitioned A100 beside a T4,
 * four NVLink-paired RTX A6000s and an H100 ship in {@code config/nvidia-smi/}; {@code machine.discover:
 * recorded:DIR} schedules on one without a GPU.
 */
public final class RecordedNvidiaSmi implements CommandRunner {
    private final Path directory;

    public RecordedNvidiaSmi(Path directory) {
        this.directory = directory;
    }

    @Override
    public Output run(List<String> argv) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("no recorded nvidia-smi output in " + directory);
        }
        String file = argv.equals(NvidiaSmi.QUERY_GPU) ? "query-gpu.csv"
                : argv.equals(NvidiaSmi.LIST) ? "list.txt"
                : argv.equals(NvidiaSmi.TOPOLOGY) ? "topo.txt"
                : argv.equals(NvidiaSmi.COMPUTE_APPS) ? "compute-apps.csv"
                : null;
        if (file == null) {
            return new Output(2, "", "not recorded: " + String.join(" ", argv));
        }
        Path recorded = directory.resolve(file);
        if (!Files.exists(recorded)) {
            return file.equals("compute-apps.csv") ? new Output(0, "", "") : new Output(9, "", "not recorded: " + recorded);
        }
        return new Output(0, Files.readString(recorded), "");
    }
}
