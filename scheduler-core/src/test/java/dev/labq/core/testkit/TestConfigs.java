package dev.labq.core.testkit;

import dev.labq.core.config.LabqConfig;

import java.util.List;
import java.util.Map;

/** Configurations for tests: a small fixed machine, so results do not depend on the box running them. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** 2 CPUs, 4 GiB, an a100 (80G) and a t4 (16G); projects default(10), research(50), teaching(5); no kill grace. */
    public static LabqConfig small() {
        return withCpus(2);
    }

    public static LabqConfig withCpus(int cpus) {
        return new LabqConfig(
                new LabqConfig.Machine(Integer.toString(cpus), "4G",
                        List.of(new LabqConfig.Gpu(0, "a100", "80G"), new LabqConfig.Gpu(1, "t4", "16G"))),
                Map.of("default", new LabqConfig.Project(10), "research", new LabqConfig.Project(50),
                        "teaching", new LabqConfig.Project(5)),
                new LabqConfig.Settings(0, 2, "default"));
    }
}
