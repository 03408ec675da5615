package dev.labq.core.decision;

import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.Resources;
import dev.labq.core.policy.priority.KeyLine;
import dev.labq.core.state.JobStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ready index's key lines, expiry wheel and searches, against plain recomputation. */
class ReadyIndexTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final Resources SMALL = new Resources(1, 1024, 0, null);

    private static JobStatus job(long id, long limitSeconds) {
        JobSpec spec = JobSpec.process("p", "u", "x").resources(SMALL).timeLimitSeconds(limitSeconds).build();
        return new JobStatus(JobId.of(id), spec, JobState.PENDING, T0, null, null, 0, 0, 0, null, null, null, false, id);
    }

    private static List<Long> idsInOrder(ReadyIndex index) {
        List<Long> ids = new ArrayList<>();
        index.inOrder().forEach(e -> ids.add(e.job.id().value()));
        return ids;
    }

    @Test
    void aRisingLineOvertakesAConstantKeyWithoutAnyReKey() {
        ReadyIndex index = new ReadyIndex();
        index.setTime(T0);
        index.add(job(1, 60), KeyLine.constant(100, Long.MAX_VALUE), 0, 0);
        // 50 at T0, rising 1 point a second: passes 100 after 50 s
        index.add(job(2, 60), new KeyLine(50 - 0.001 * T0, 0.001, Long.MAX_VALUE), 0, 0);
        assertEquals(List.of(1L, 2L), idsInOrder(index));
        index.setTime(T0 + 49_000);
        assertEquals(1L, index.first().job.id().value());
        index.setTime(T0 + 51_000);
        assertEquals(2L, index.first().job.id().value());
        assertEquals(0, index.rekeyExpired(T0 + 51_000, j -> {
            throw new AssertionError("nothing expired");
        }));
    }

    @Test
    void reKeysExactlyTheLinesThatEndedAfterShortStepsAndAfterALongGap() {
        SplittableRandom random = new SplittableRandom(3);
        Map<Long, Long> validUntil = new HashMap<>();
        ReadyIndex index = new ReadyIndex();
        index.setTime(T0);
        for (long id = 1; id <= 200; id++) {
            long until = T0 + random.nextLong(4 * 3_600_000L);
            validUntil.put(id, until);
            index.add(job(id, 60), KeyLine.constant(random.nextInt(1000), until), 0, 0);
        }
        Map<Long, Integer> rekeys = new HashMap<>();
        Function<JobStatus, KeyLine> never = j -> {
            rekeys.merge(j.id().value(), 1, Integer::sum);
            return KeyLine.constant(1, Long.MAX_VALUE);
        };
        index.rekeyExpired(T0, never); // first call: cursor set by the slots
        long now = T0;
        for (int step = 0; step < 600; step++) { // ten minutes, second by second (and within the seconds)
            now += 1000 + (step % 3 == 0 ? 250 : 0) - (step % 3 == 1 ? 250 : 0);
            index.rekeyExpired(now, never);
        }
        for (Map.Entry<Long, Long> e : validUntil.entrySet()) {
            assertEquals(e.getValue() <= now ? 1 : null, rekeys.get(e.getKey()), "job " + e.getKey());
        }
        index.rekeyExpired(T0 + 5 * 3_600_000L, never); // a long gap: the due slots, not every second
        assertEquals(200, rekeys.size());
        assertTrue(rekeys.values().stream().allMatch(n -> n == 1), "each line re-keyed once");
    }

    @Test
    void removedAndReplacedEntriesNeverComeBackAndASweepKeepsTheLiveOnes() {
        ReadyIndex index = new ReadyIndex();
        index.setTime(T0);
        long until = T0 + 10_000;
        for (long id = 1; id <= 6000; id++) {
            index.add(job(id, 60), KeyLine.constant(id, until + id), 0, 0);
        }
        for (long id = 1; id <= 6000; id++) {
            if (id % 3 == 0) {
                index.remove(id);
            } else { // replaced twice: its old copies are dead
                index.add(job(id, 60), KeyLine.constant(id, until + id), 0, 0);
                index.add(job(id, 60), KeyLine.constant(id, until + id), 0, 0);
            }
        }
        List<Long> rekeyed = new ArrayList<>();
        index.rekeyExpired(T0, j -> KeyLine.constant(0, Long.MAX_VALUE)); // past the dead ones' threshold: swept
        index.rekeyExpired(T0 + 20_000, j -> {
            rekeyed.add(j.id().value());
            return KeyLine.constant(0, Long.MAX_VALUE);
        });
        assertEquals(4000, rekeyed.size());
        assertTrue(rekeyed.stream().noneMatch(id -> id % 3 == 0));
        assertEquals(4000, index.size());
    }

    @Test
    void theTwoWalksFindTheBestJobEndingInTimeAndStopAtTheBoundToBeat() {
        ReadyIndex index = new ReadyIndex();
        index.setTime(T0);
        long[] limits = {600, 30, 3600, 60, 120, 7200, 45};
        for (int i = 0; i < limits.length; i++) {
            index.add(job(i + 1, limits[i]), KeyLine.constant(100 - i, Long.MAX_VALUE), 0, 0); // job 1 best
        }
        ReadyIndex.Group group = index.first().group;
        assertEquals(2L, group.bestEndingBy(59, e -> true, null).job.id().value());
        assertEquals(4L, group.bestEndingBy(60, e -> e.job.id().value() != 2, null).job.id().value());
        assertEquals(7L, group.bestEndingBy(50, e -> e.job.id().value() != 2, null).job.id().value());
        assertNull(group.bestEndingBy(29, e -> true, null), "nothing ends that soon");
        assertNull(group.bestEndingBy(100_000, e -> false, null), "none passes");
        ReadyIndex.Entry third = index.get(3);
        assertNull(group.bestEndingBy(50, e -> e.job.id().value() != 2, third), "job 7 comes after job 3");
        assertSame(index.get(2), group.bestEndingBy(50, e -> true, third));
        assertEquals(5L, group.bestWhere(e -> e.job.id().value() >= 5).job.id().value());
        assertNull(group.bestWhere(e -> false));
    }

    @Test
    void aFullReKeyMovesJobsWhoseLineNowRisesAtAnotherRate() {
        ReadyIndex index = new ReadyIndex();
        index.setTime(T0);
        for (long id = 1; id <= 5; id++) {
            index.add(job(id, 60), new KeyLine(id - 0.01 * T0, 0.01, Long.MAX_VALUE), 0, 0);
        }
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), idsInOrder(index));
        // jobs 1 and 2 reach their cap: constant from now on, at their key of now plus 10
        index.rekeyAll(j -> j.id().value() <= 2 ? KeyLine.constant(j.id().value() + 10, Long.MAX_VALUE)
                : new KeyLine(j.id().value() - 0.01 * T0, 0.01, Long.MAX_VALUE));
        assertEquals(List.of(2L, 1L, 5L, 4L, 3L), idsInOrder(index));
        assertEquals(2, index.groupCount(), "a rising lane and a constant one");
        index.setTime(T0 + 1_000_000); // the rising ones have gained 10,000 points
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), idsInOrder(index));
        assertTrue(index.remove(1) && index.remove(2));
        assertFalse(index.remove(2));
        assertEquals(1, index.groupCount());
    }
}
