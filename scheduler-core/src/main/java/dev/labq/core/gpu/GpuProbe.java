package dev.labq.core.gpu;

import dev.labq.core.domain.InvalidInputException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Looks at the machine's GPUs. Called off the decision thread: a probe runs tools and may take a while. */
public interface GpuProbe {

    /** What the GPUs look like now, or empty when this machine cannot say (no nvidia-smi, discovery off). */
    Optional<GpuScan> scan();

    /** Discovery off: GPUs come from labq.yaml alone. */
    GpuProbe OFF = Optional::empty;

    /**
     * The probe {@code machine.discover} names: {@code auto} (the real {@code nvidia-smi}, when there is one),
     * {@code off}, or {@code recorded:DIR} (outputs recorded on another machine; a relative DIR is under
     * {@code home}).
     */
    static GpuProbe configured(String discover, Path home) {
        if (discover.equals("auto")) {
            return new NvidiaSmiProbe(CommandRunner.system(Duration.ofSeconds(10)));
        }
        if (discover.equals("off")) {
            return OFF;
        }
        if (discover.startsWith("recorded:") && discover.length() > "recorded:".length()) {
            return new NvidiaSmiProbe(new RecordedNvidiaSmi(home.resolve(discover.substring("recorded:".length()))));
        }
        throw new InvalidInputException("machine.discover", discover,
                "use auto (nvidia-smi when installed), off, or recorded:DIR (recorded nvidia-smi output)");
    }
}
