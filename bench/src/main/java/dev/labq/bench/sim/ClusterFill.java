package dev.labq.bench.sim;

import dev.labq.core.domain.Allocation;

import java.util.List;

/**
 * The measure of the FGD paper (Weng et al., ATC'23) for placement alone: jobs arrive in the trace's order
 * and never leave; how much of the cluster's GPUs are allocated when the first job is refused, and at the
 * end when every job has been tried. A placement that fragments less refuses later.
 *
 * @param allocatedAtFirstRefusal share of GPUs allocated when the first job did not fit (1 when none was refused)
 * @param placedBeforeRefusal     jobs placed before it
 * @param allocatedAtEnd          share of GPUs allocated after every job was tried
 * @param refused                 jobs that did not fit
 */
public record ClusterFill(double allocatedAtFirstRefusal, int placedBeforeRefusal, double allocatedAtEnd, int refused) {

    public static ClusterFill run(List<ClusterPlacement.Node> nodes, ClusterPlacement.Rule rule, List<TraceJob> jobs) {
        ClusterPlacement cluster = new ClusterPlacement(nodes, rule);
        double gpus = cluster.inventory().gpus().size();
        double atFirstRefusal = -1;
        int placedBefore = 0;
        int refused = 0;
        for (TraceJob job : jobs) {
            Allocation allocation = cluster.tryReserve(job.request());
            if (allocation != null) {
                if (atFirstRefusal < 0) {
                    placedBefore++;
                }
                continue;
            }
            refused++;
            if (atFirstRefusal < 0) {
                atFirstRefusal = (gpus - cluster.freeGpus()) / gpus;
            }
        }
        double atEnd = (gpus - cluster.freeGpus()) / gpus;
        return new ClusterFill(atFirstRefusal < 0 ? atEnd : atFirstRefusal, placedBefore, atEnd, refused);
    }
}
