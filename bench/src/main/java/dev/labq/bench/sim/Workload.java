package dev.labq.bench.sim;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;

import dev.labq.core.decision.Placement;
import dev.labq.core.decision.ResourcePool;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the simulator replays: where jobs go, labq's configuration (projects, importance, backfill), the
 * jobs in arrival order, and the budgets the schedule is checked against.
 *
 * @param placement  a fresh placement for each replay: the one machine's {@link ResourcePool}, or a cluster
 * @param measuredBy the resource utilization is measured in: the one the workload contends for
 * @param cpuBudgets most CPUs each named project may hold at once; a schedule that goes past one counts a
 *                   budget violation (labq does not enforce budgets yet, so none are set by default)
 */
public record Workload(String name, Supplier<Placement> placement, Unit measuredBy, LabqConfig config,
                       List<TraceJob> jobs, Map<String, Integer> cpuBudgets) {
    public Workload {
        jobs = List.copyOf(jobs);
        cpuBudgets = cpuBudgets == null ? Map.of() : Map.copyOf(cpuBudgets);
    }

    /** A workload on one machine. */
    public static Workload onMachine(String name, MachineInventory machine, Unit measuredBy, LabqConfig config,
                                     List<TraceJob> jobs) {
        return new Workload(name, () -> new ResourcePool(machine), measuredBy, config, jobs, Map.of());
    }

    /** What utilization counts. */
    public enum Unit {
        CPUS, GPUS;

        /** How many units a job holds. */
        public int of(TraceJob job) {
            return this == CPUS ? job.request().cpus() : job.request().gpus();
        }

        /** How many units the placement has. */
        public int capacity(MachineInventory inventory) {
            return this == CPUS ? inventory.cpus() : inventory.gpus().size();
        }
    }
}
