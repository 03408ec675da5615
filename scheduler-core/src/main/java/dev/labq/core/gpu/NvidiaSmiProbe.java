package dev.labq.core.gpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * GPUs as {@code nvidia-smi} reports them: the devices and their memory ({@link NvidiaSmi#QUERY_GPU}), MIG
 * instances ({@link NvidiaSmi#LIST}) and NVLink peers ({@link NvidiaSmi#TOPOLOGY}). A machine without it, or
 * whose driver fails, has no discovered GPUs; that is said once in the log, not at every look.
 */
public final class NvidiaSmiProbe implements GpuProbe {
    private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmiProbe.class);

    private final CommandRunner runner;
    private boolean saidUnavailable;

    public NvidiaSmiProbe(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public synchronized Optional<GpuScan> scan() {
        CommandRunner.Output gpus;
        try {
            gpus = runner.run(NvidiaSmi.QUERY_GPU);
        } catch (IOException e) {
            unavailable("nvidia-smi cannot be run (" + e.getMessage() + "): GPUs come from labq.yaml alone");
            return Optional.empty();
        }
        if (!gpus.ok()) {
            unavailable("nvidia-smi exited " + gpus.exitCode() + " (" + gpus.stderr().strip() + "): GPUs come from labq.yaml alone");
            return Optional.empty();
        }
        List<GpuScan.Gpu> found;
        try {
            found = NvidiaSmi.parseQuery(gpus.stdout());
        } catch (IllegalArgumentException e) { // a driver printing what labq cannot read: as if it said nothing
            unavailable(e.getMessage() + ": GPUs come from labq.yaml alone");
            return Optional.empty();
        }
        saidUnavailable = false;
        return Optional.of(new GpuScan(found, optional(NvidiaSmi.LIST, NvidiaSmi::parseList),
                optional(NvidiaSmi.TOPOLOGY, NvidiaSmi::parseTopology)));
    }

    /** A query whose failure leaves the GPUs usable: no MIG instances, no NVLink known. */
    private <T> Map<Integer, T> optional(List<String> query, Function<String, Map<Integer, T>> parse) {
        try {
            CommandRunner.Output out = runner.run(query);
            return out.ok() ? parse.apply(out.stdout()) : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    private void unavailable(String why) {
        if (!saidUnavailable) {
            LOG.info(why);
            saidUnavailable = true;
        }
    }
}
