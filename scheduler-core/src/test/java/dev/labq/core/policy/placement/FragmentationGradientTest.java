package dev.labq.core.policy.placement;

import dev.labq.core.policy.placement.FragmentationGradient.NodeState;
import dev.labq.core.policy.placement.FragmentationGradient.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FGD fragment measure, case by case, and a mix that learns the recent requests. */
class FragmentationGradientTest {
    private static final Shape HALF = new Shape(4_000, 8_192, 1, 500, Set.of());
    private static final Shape TWO_WHOLE = new Shape(8_000, 16_384, 2, 1000, Set.of());
    private static final Shape CPU_ONLY = new Shape(2_000, 1_024, 0, 0, Set.of());
    private static final Shape ON_T4 = new Shape(1_000, 1_024, 1, 1000, Set.of("T4"));

    private static NodeState node(int cpu, int... gpus) {
        return new NodeState(cpu, 65_536, gpus, "V100");
    }

    @Test
    void whatARequestCannotUseIsAFragment() {
        NodeState n = node(32_000, 1000, 300, 700, 0);
        assertEquals(300, FragmentationGradient.fragmentFor(n, HALF), "only the GPU with less than half free");
        assertEquals(2000, FragmentationGradient.fragmentFor(n, TWO_WHOLE), "one whole GPU free: it cannot run at all");
        assertEquals(1000, FragmentationGradient.fragmentFor(node(32_000, 1000, 1000, 700, 300), TWO_WHOLE),
                "the partly used ones are lost to whole-GPU requests");
        assertEquals(2000, FragmentationGradient.fragmentFor(node(1_000, 1000, 1000), HALF), "too few CPUs: all of it");
        assertEquals(1000, FragmentationGradient.fragmentFor(node(32_000, 1000), ON_T4), "another model: all of it");
        assertEquals(0, FragmentationGradient.fragmentFor(n, CPU_ONLY), "no GPU asked, none lost");
    }

    @Test
    void aFixedMixWeighsEachKindByHowOftenItComesAndEqualStatesScoreAlike() {
        FragmentationGradient f = FragmentationGradient.fixed(Map.of(HALF, 3, TWO_WHOLE, 1));
        NodeState n = node(32_000, 1000, 300, 700, 0);
        assertEquals(0.75 * 300 + 0.25 * 2000, f.fragmentation(n), 1e-9);
        assertEquals(f.fragmentation(n), f.fragmentation(node(32_000, 0, 700, 1000, 300)), 1e-9, "GPU order does not matter");
    }

    @Test
    void theLearnedMixFollowsTheRecentRequests() {
        FragmentationGradient f = new FragmentationGradient(10, 1);
        NodeState n = node(32_000, 1000, 300, 700, 0);
        for (int i = 0; i < 100; i++) {
            f.observe(TWO_WHOLE);
        }
        assertEquals(2000, f.fragmentation(n), 1e-6);
        for (int i = 0; i < 100; i++) {
            f.observe(HALF);
        }
        double now = f.fragmentation(n);
        assertTrue(now < 310 && now > 300, "the halves, seen last, weigh nearly all: " + now);
        for (int i = 0; i < 6_000; i++) {
            f.observe(i % 2 == 0 ? HALF : TWO_WHOLE); // long enough to rescale the weights: still a proper mix
        }
        assertEquals(0.5 * 300 + 0.5 * 2000, f.fragmentation(n), 100);
    }
}
