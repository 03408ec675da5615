package dev.labq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scheduler JVM killed with kill -9 at random points of a submit burst and its dispatching, then recovered
 * by a scheduler here: nothing acknowledged is lost, no attempt runs twice or overlaps another, and the views
 * equal a fresh fold of the journal. A short seeded campaign; {@code -Dcrash.seed=S} replays one, and
 * {@code -Dcrash.trials=N} changes its length ({@code bench/run crash-campaign} is the long one).
 */
@Timeout(300)
class SchedulerCrashIT {
    @TempDir
    Path root;

    @Test
    void killedSchedulerLosesNoAcknowledgedJobStartsNoAttemptTwiceAndItsViewsRecover() throws Exception {
        long campaignSeed = Long.getLong("crash.seed", System.nanoTime());
        int trials = Integer.getInteger("crash.trials", 12);
        List<String> failures = new ArrayList<>();
        int acknowledged = 0;
        long started = System.nanoTime();
        for (int t = 0; t < trials; t++) {
            long seed = campaignSeed + t;
            CrashTrial.Result r = CrashTrial.run(root.resolve("trial-" + t), seed);
            acknowledged += r.acknowledged();
            if (!r.clean()) {
                failures.add("trial " + t + " seed=" + seed + " (kills: " + r.killPoints() + "): lost=" + r.lost()
                        + " doubleStarts=" + r.doubleStarts() + " viewDifferences=" + r.viewDifferences());
            }
        }
        System.out.printf("crash campaign seed=%d: %d trials, %d acknowledged, %d failed, %.1f s%n", campaignSeed,
                trials, acknowledged, failures.size(), (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(), failures, "campaign seed=" + campaignSeed + " (rerun with -Dcrash.seed=" + campaignSeed + ")");
    }
}
