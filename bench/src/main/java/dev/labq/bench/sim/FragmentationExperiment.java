package dev.labq.bench.sim;

import dev.labq.core.policy.placement.FragmentationGradient;
import dev.labq.core.policy.placement.FragmentationGradient.NodeState;
import dev.labq.core.policy.placement.FragmentationGradient.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The FGD paper's placement experiment on Alibaba's openb trace: tasks drawn with replacement from the pod list
 * arrive until the GPUs they ask for reach {@code load} (1.3: 130%) of the cluster's, each placed at once or
 * refused, none leaving; the measure is the share of the cluster's GPUs allocated at the end. Shares of a GPU
 * count as shares, GPU models and CPUs and memory are honoured.
 *
 * <p>Rules: {@code labq} (fragmentation gradient over the mix of the recent arrivals, {@link FragmentationGradient#recent()}),
 * {@code fgd} (the same over the pod list's mix, known in advance, as the paper assumes), {@code best-fit} (the
 * node and GPU left with the least free GPU, then CPU), {@code first-fit} and {@code random}.
 */
public final class FragmentationExperiment {
    public enum Rule {
        LABQ("labq"), FGD("fgd"), BEST_FIT("bestfit"), FIRST_FIT("firstfit"), RANDOM("random");

        public final String label;

        Rule(String label) {
            this.label = label;
        }
    }

    /** One node of the cluster as the trace lists it. */
    public record Node(int cpuMilli, long memoryMb, int gpus, String model) {
    }

    private final List<Node> nodes;
    private final List<Shape> pods;
    private final Map<Shape, Integer> mix = new LinkedHashMap<>();

    public FragmentationExperiment(List<Node> nodes, List<Shape> pods) {
        this.nodes = nodes;
        this.pods = pods;
        pods.forEach(p -> mix.merge(p, 1, Integer::sum));
    }

    /** The node and pod lists of the trace (every pod, placed in production or not: the experiment only samples). */
    public static FragmentationExperiment read(Path nodesFile, Path podsFile) {
        List<Node> nodes = new ArrayList<>();
        for (Map<String, String> row : AlibabaGpuTrace.rows(nodesFile, "--nodes", List.of("cpu_milli", "memory_mib", "gpu", "model"))) {
            nodes.add(new Node(Integer.parseInt(row.get("cpu_milli")), Long.parseLong(row.get("memory_mib")),
                    Integer.parseInt(row.get("gpu")), row.get("model")));
        }
        List<Shape> pods = new ArrayList<>();
        for (Map<String, String> row : AlibabaGpuTrace.rows(podsFile, "--pods", List.of("cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec"))) {
            int gpus = Integer.parseInt(row.get("num_gpu"));
            String spec = row.get("gpu_spec");
            pods.add(new Shape(Integer.parseInt(row.get("cpu_milli")), Long.parseLong(row.get("memory_mib")), gpus,
                    gpus == 0 ? 0 : gpus == 1 ? Integer.parseInt(row.get("gpu_milli")) : FragmentationGradient.WHOLE,
                    spec.isEmpty() ? Set.of() : Set.of(spec.split("\\|"))));
        }
        return new FragmentationExperiment(nodes, pods);
    }

    public int gpus() {
        return nodes.stream().mapToInt(Node::gpus).sum();
    }

    /** What one run did: GPUs allocated (share of the cluster's), tasks arrived and refused. */
    public record Outcome(double allocated, int arrived, int refused) {
    }

    /** One run of {@code rule} on the arrivals of {@code seed}. */
    public Outcome run(Rule rule, long seed, double load) {
        Cluster cluster = new Cluster(nodes);
        Random arrivals = new Random(seed);
        Random choices = new Random(seed * 31 + 7);
        FragmentationGradient score = rule == Rule.FGD ? FragmentationGradient.fixed(mix)
                : rule == Rule.LABQ ? FragmentationGradient.recent() : null;
        long target = Math.round(load * gpus() * FragmentationGradient.WHOLE);
        long asked = 0;
        long placed = 0;
        int arrived = 0;
        int refused = 0;
        while (asked < target) {
            Shape task = pods.get(arrivals.nextInt(pods.size()));
            arrived++;
            asked += (long) task.gpus() * task.gpuMilli();
            if (rule == Rule.LABQ) {
                score.observe(task);
            }
            Choice choice = switch (rule) {
                case FIRST_FIT -> cluster.firstFit(task);
                case BEST_FIT -> cluster.bestFit(task);
                case RANDOM -> cluster.random(task, choices);
                default -> cluster.leastFragmenting(task, score);
            };
            if (choice == null) {
                refused++;
            } else {
                cluster.take(task, choice);
                placed += (long) task.gpus() * task.gpuMilli();
            }
        }
        return new Outcome(placed / (double) (gpus() * FragmentationGradient.WHOLE), arrived, refused);
    }

    /** Where a task goes: a node and the GPUs of it. */
    private record Choice(int node, int[] gpus) {
    }

    /** The free resources of every node. */
    private static final class Cluster {
        private final int[] freeCpu;
        private final long[] freeMemory;
        private final int[][] freeGpu;
        private final String[] model;

        Cluster(List<Node> nodes) {
            int n = nodes.size();
            freeCpu = new int[n];
            freeMemory = new long[n];
            freeGpu = new int[n][];
            model = new String[n];
            for (int i = 0; i < n; i++) {
                Node node = nodes.get(i);
                freeCpu[i] = node.cpuMilli();
                freeMemory[i] = node.memoryMb();
                freeGpu[i] = new int[node.gpus()];
                java.util.Arrays.fill(freeGpu[i], FragmentationGradient.WHOLE);
                model[i] = node.model();
            }
        }

        private boolean hostsNonGpu(int n, Shape t) {
            return freeCpu[n] >= t.cpuMilli() && freeMemory[n] >= t.memoryMb()
                    && (t.gpus() == 0 || t.models().isEmpty() || t.models().contains(model[n]));
        }

        /** The GPU options of task {@code t} on node {@code n}: for a share, one per distinct free level that holds it. */
        private List<int[]> options(int n, Shape t) {
            if (!hostsNonGpu(n, t)) {
                return List.of();
            }
            if (t.gpus() == 0) {
                return List.of(new int[0]);
            }
            int[] free = freeGpu[n];
            if (t.gpuMilli() < FragmentationGradient.WHOLE) {
                List<int[]> out = new ArrayList<>();
                java.util.Set<Integer> levels = new java.util.HashSet<>();
                for (int g = 0; g < free.length; g++) {
                    if (free[g] >= t.gpuMilli() && levels.add(free[g])) {
                        out.add(new int[] {g});
                    }
                }
                return out;
            }
            int[] whole = new int[t.gpus()];
            int found = 0;
            for (int g = 0; g < free.length && found < t.gpus(); g++) {
                if (free[g] == FragmentationGradient.WHOLE) {
                    whole[found++] = g;
                }
            }
            return found < t.gpus() ? List.of() : List.of(whole);
        }

        Choice firstFit(Shape t) {
            for (int n = 0; n < freeCpu.length; n++) {
                List<int[]> options = options(n, t);
                if (!options.isEmpty()) {
                    int[] lowest = options.get(0);
                    for (int[] o : options) {
                        if (o.length > 0 && o[0] < lowest[0]) {
                            lowest = o;
                        }
                    }
                    return new Choice(n, lowest);
                }
            }
            return null;
        }

        Choice bestFit(Shape t) {
            Choice best = null;
            long bestGpu = Long.MAX_VALUE;
            long bestCpu = Long.MAX_VALUE;
            for (int n = 0; n < freeCpu.length; n++) {
                for (int[] o : options(n, t)) {
                    long gpuLeft = freeGpuTotal(n) - (long) t.gpus() * t.gpuMilli();
                    long tight = o.length == 1 && t.gpuMilli() < FragmentationGradient.WHOLE ? freeGpu[n][o[0]] : 0;
                    long gpuScore = gpuLeft * FragmentationGradient.WHOLE + tight;
                    long cpuLeft = freeCpu[n] - t.cpuMilli();
                    if (gpuScore < bestGpu || gpuScore == bestGpu && cpuLeft < bestCpu) {
                        best = new Choice(n, o);
                        bestGpu = gpuScore;
                        bestCpu = cpuLeft;
                    }
                }
            }
            return best;
        }

        Choice random(Shape t, Random random) {
            List<Choice> all = new ArrayList<>();
            for (int n = 0; n < freeCpu.length; n++) {
                for (int[] o : options(n, t)) {
                    all.add(new Choice(n, o));
                }
            }
            return all.isEmpty() ? null : all.get(random.nextInt(all.size()));
        }

        /** The option that adds the least fragmentation; ties go to the one leaving the least GPU free, then the first node. */
        Choice leastFragmenting(Shape t, FragmentationGradient score) {
            Choice best = null;
            double bestDelta = Double.POSITIVE_INFINITY;
            long bestLeft = Long.MAX_VALUE;
            for (int n = 0; n < freeCpu.length; n++) {
                List<int[]> options = options(n, t);
                if (options.isEmpty()) {
                    continue;
                }
                double before = score.fragmentation(state(n));
                for (int[] o : options) {
                    take(t, new Choice(n, o));
                    double delta = score.fragmentation(state(n)) - before;
                    long left = freeGpuTotal(n);
                    give(t, new Choice(n, o));
                    if (delta < bestDelta - 1e-9 || Math.abs(delta - bestDelta) <= 1e-9 && left < bestLeft) {
                        best = new Choice(n, o);
                        bestDelta = delta;
                        bestLeft = left;
                    }
                }
            }
            return best;
        }

        private NodeState state(int n) {
            return new NodeState(freeCpu[n], freeMemory[n], freeGpu[n], model[n]);
        }

        private long freeGpuTotal(int n) {
            long sum = 0;
            for (int f : freeGpu[n]) {
                sum += f;
            }
            return sum;
        }

        void take(Shape t, Choice c) {
            freeCpu[c.node()] -= t.cpuMilli();
            freeMemory[c.node()] -= t.memoryMb();
            for (int g : c.gpus()) {
                freeGpu[c.node()][g] -= t.gpuMilli();
            }
        }

        private void give(Shape t, Choice c) {
            freeCpu[c.node()] += t.cpuMilli();
            freeMemory[c.node()] += t.memoryMb();
            for (int g : c.gpus()) {
                freeGpu[c.node()][g] += t.gpuMilli();
            }
        }
    }
}
