package dev.labq.core.policy.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fragmentation Gradient Descent (Weng et al., "Beware of Fragmentation", USENIX ATC'23): a node's GPU
 * fragmentation is the GPU capacity it has free that the requests to come could not use, weighted by how often
 * each kind of request comes; a task goes where it adds the least of it. The mix of requests is learned from the
 * requests seen, the recent ones counting most, and frozen into a snapshot every {@code refreshEvery} requests so
 * that scores of equal node states can be reused between refreshes.
 *
 * <p>Not thread-safe: the decision thread's (or one simulation's).
 */
public final class FragmentationGradient {
    public static final int WHOLE = 1000;

    /**
     * A kind of request: CPUs in thousandths, memory, how many GPUs, each GPU's share in thousandths (1000 for
     * whole ones), and the GPU models that will do (empty: any).
     */
    public record Shape(int cpuMilli, long memoryMb, int gpus, int gpuMilli, Set<String> models) {
        public Shape {
            models = Set.copyOf(models);
        }
    }

    /** What a node has free: CPUs in thousandths, memory, each GPU's free thousandths, its GPU model. */
    public record NodeState(int freeCpuMilli, long freeMemoryMb, int[] freeGpuMilli, String model) {
        int freeGpuTotal() {
            int sum = 0;
            for (int f : freeGpuMilli) {
                sum += f;
            }
            return sum;
        }
    }

    private final double halfLife;
    /** How much more each request counts than the one before it: 2^(1/halfLife). */
    private final double growth;
    private final int refreshEvery;
    private final Map<Shape, Double> weights = new LinkedHashMap<>();
    private double increment = 1;
    private int sinceRefresh;
    private List<Shape> shapes = List.of();
    private double[] popularity = new double[0];
    private final Map<Key, Double> scores = new HashMap<>();

    /**
     * labq's: the mix of the last few dozen requests (half-life 20, a new snapshot every 16). On Alibaba's openb
     * trace a short memory placed more than the whole trace's mix did (95.8% of the GPUs against 95.1% at 130%
     * load, `bench/run trace-gpu`; half-lives of 200 and 2,000 gave 95.5% and 95.4%), and it follows a mix that
     * changes.
     */
    public static FragmentationGradient recent() {
        return new FragmentationGradient(20, 16);
    }

    /** Learns the mix with the given half-life in requests, refreshing the snapshot every {@code refreshEvery}. */
    public FragmentationGradient(double halfLifeRequests, int refreshEvery) {
        this.halfLife = halfLifeRequests;
        this.growth = Math.pow(2, 1 / halfLifeRequests);
        this.refreshEvery = refreshEvery;
    }

    /** A fixed mix, as the FGD paper assumes the workload's distribution known: {@code mix} shape to count. */
    public static FragmentationGradient fixed(Map<Shape, ? extends Number> mix) {
        FragmentationGradient f = new FragmentationGradient(Double.POSITIVE_INFINITY, Integer.MAX_VALUE);
        mix.forEach((shape, count) -> f.weights.merge(shape, count.doubleValue(), Double::sum));
        f.refresh();
        return f;
    }

    /** One more request of {@code shape}: it counts for more than the ones before it. */
    public void observe(Shape shape) {
        weights.merge(shape, increment, Double::sum);
        if (Double.isFinite(halfLife)) {
            increment *= growth;
            if (increment > 1e150) { // rescale before the weights overflow
                weights.replaceAll((s, w) -> w / increment);
                increment = 1;
            }
        }
        if (++sinceRefresh >= refreshEvery || shapes.isEmpty()) {
            refresh();
        }
    }

    private void refresh() {
        sinceRefresh = 0;
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        weights.values().removeIf(w -> w < total * 1e-12); // kinds not seen for a long while: forgotten, not kept forever
        shapes = new ArrayList<>(weights.keySet());
        popularity = new double[shapes.size()];
        for (int i = 0; i < shapes.size(); i++) {
            popularity[i] = total == 0 ? 0 : weights.get(shapes.get(i)) / total;
        }
        scores.clear();
    }

    /** The node's expected fragmentation under the learned mix, in GPU thousandths. */
    public double fragmentation(NodeState node) {
        Key key = new Key(node);
        Double known = scores.get(key);
        if (known != null) {
            return known;
        }
        double f = 0;
        for (int i = 0; i < shapes.size(); i++) {
            f += popularity[i] * fragmentFor(node, shapes.get(i));
        }
        scores.put(key, f);
        return f;
    }

    /**
     * The free GPU capacity of {@code node} that a request of {@code shape} could not use: all of it when the
     * request cannot run there at all (too few CPUs or memory, another model, too little GPU), else what sits on
     * GPUs with less free than each of its GPUs needs. A request without GPUs leaves none unusable.
     */
    static int fragmentFor(NodeState node, Shape shape) {
        if (shape.gpus() == 0) {
            return 0;
        }
        int free = node.freeGpuTotal();
        if (node.freeCpuMilli() < shape.cpuMilli() || node.freeMemoryMb() < shape.memoryMb()
                || !shape.models().isEmpty() && !shape.models().contains(node.model())) {
            return free;
        }
        int need = shape.gpuMilli();
        int usable = 0;
        int unusable = 0;
        for (int f : node.freeGpuMilli()) {
            if (f >= need) {
                usable++;
            } else {
                unusable += f;
            }
        }
        return usable < shape.gpus() ? free : unusable;
    }

    /** A node state as a map key: equal states score alike. */
    private static final class Key {
        private final int cpu;
        private final long memory;
        private final int[] gpus;
        private final String model;
        private final int hash;

        Key(NodeState n) {
            cpu = n.freeCpuMilli();
            memory = n.freeMemoryMb();
            gpus = n.freeGpuMilli().clone();
            java.util.Arrays.sort(gpus);
            model = n.model();
            hash = ((31 * cpu + Long.hashCode(memory)) * 31 + java.util.Arrays.hashCode(gpus)) * 31 + model.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.cpu == cpu && k.memory == memory
                    && java.util.Arrays.equals(k.gpus, gpus) && k.model.equals(model);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
