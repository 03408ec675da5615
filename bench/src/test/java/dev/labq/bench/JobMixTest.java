package dev.labq.bench;

import dev.labq.core.domain.JobSpec;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobMixTest {

    @Test
    void roundLimitsChangeOnlyTheLimitsAndKeepToRoundValues() {
        JobMix minutes = new JobMix(9, JobMix.TimeLimits.MINUTES);
        JobMix round = new JobMix(9, JobMix.TimeLimits.ROUND);
        Set<Long> roundLimits = new HashSet<>();
        Set<Long> minuteLimits = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            JobSpec a = minutes.next(0);
            JobSpec b = round.next(0);
            assertEquals(a.project(), b.project());
            assertEquals(a.user(), b.user());
            assertEquals(a.resources(), b.resources());
            assertEquals(a.deadlineMillis(), b.deadlineMillis());
            assertEquals(a.timeLimitSeconds() == null, b.timeLimitSeconds() == null);
            if (b.timeLimitSeconds() != null) {
                roundLimits.add(b.timeLimitSeconds());
                minuteLimits.add(a.timeLimitSeconds());
            }
        }
        assertEquals(Set.of(900L, 1800L, 3600L, 7200L, 14400L, 28800L, 43200L, 86400L), roundLimits);
        assertTrue(minuteLimits.size() > 1_000, "minute limits: nearly every job its own " + minuteLimits.size());
    }

    @Test
    void configuresEveryUserOfTheMixInEveryProject() {
        JobMix mix = new JobMix(1);
        for (int i = 0; i < 500; i++) {
            JobSpec job = mix.next(0);
            assertTrue(JobMix.CONFIG.projects().get(job.project()).users().containsKey(job.user()), job::toString);
        }
    }
}
