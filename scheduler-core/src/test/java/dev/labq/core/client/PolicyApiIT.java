package dev.labq.core.client;

import dev.labq.core.LabqException;
import dev.labq.core.LabqHome;
import dev.labq.core.LabqScheduler;
import dev.labq.core.decision.Explanation;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.domain.Alteration;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.domain.JobState;
import dev.labq.core.domain.UnknownJobException;
import dev.labq.core.testkit.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** alter, project set, explain, prio and shares, through a running scheduler and with none. */
@Timeout(60)
class PolicyApiIT {
    @TempDir
    Path root;

    private LabqHome home() {
        return LabqHome.of(root.resolve("home"));
    }

    private static JobSpec held(String project) {
        return JobSpec.process(project, "ana", "true").timeLimitSeconds(60L).build();
    }

    /** Both clients answer the same questions the same way; only who journals differs. */
    private void exercise(LabqClient client, boolean viaScheduler) {
        JobId a = client.submit(JobSpec.process("teaching", "ana", "sleep", "30").resources(
                new dev.labq.core.domain.Resources(2, 256, 0, null)).timeLimitSeconds(60L).build());
        if (viaScheduler) { // a holds the machine before the others come, so they stay pending to be explained
            long until = System.nanoTime() + 10_000_000_000L;
            while (client.stat(List.of(a)).get(0).state() != JobState.RUNNING && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(JobState.RUNNING, client.stat(List.of(a)).get(0).state());
        }
        JobId b = client.submit(held("teaching"));
        JobId c = client.submit(held("research"));
        client.alter(b, new Alteration(System.currentTimeMillis() + 3_600_000, 90, 120L, 3));
        client.setProject("teaching", null, 40, 2.0);
        client.setProject("teaching", "ana", null, 3.0);

        Explanation eb = client.explain(b);
        assertEquals(90, eb.job().spec().importance());
        assertEquals(120L, eb.job().spec().timeLimitSeconds());
        assertEquals(3, eb.job().spec().nice());
        assertTrue(eb.priority().factors().stream().anyMatch(f -> f.name().equals("nice") && f.contribution() < 0));
        List<Explanation> ready = client.priorities();
        assertTrue(ready.stream().map(e -> e.job().id()).toList().containsAll(viaScheduler ? List.of(b, c) : List.of(a, b, c)),
                ready::toString);
        List<ShareRow> shares = client.shares();
        ShareRow teaching = shares.stream().filter(r -> r.project().equals("teaching") && r.user() == null).findFirst().orElseThrow();
        assertEquals(40, teaching.importance());
        assertEquals(2.0, teaching.share());
        assertTrue(shares.stream().anyMatch(r -> "ana".equals(r.user()) && r.project().equals("teaching") && r.share() == 3.0));
        if (!viaScheduler) {
            assertEquals("NoScheduler", client.explain(c).reason());
        }

        assertThrows(UnknownJobException.class, () -> client.explain(JobId.of(999)));
        assertThrows(UnknownJobException.class, () -> client.alter(JobId.of(999), new Alteration(null, 1, null, null)));
        assertTrue(assertThrows(InvalidInputException.class, () -> client.alter(b, new Alteration(1L, null, null, null)))
                .getMessage().contains("that is in the past"));
        assertThrows(InvalidInputException.class, () -> client.setProject("nosuch", null, null, 1.0));
        assertThrows(InvalidInputException.class, () -> client.setProject("teaching", null, null, null));
        assertThrows(InvalidInputException.class, () -> client.setProject("teaching", "ana", 5, null));
        assertThrows(InvalidInputException.class, () -> client.setProject("teaching", " ", null, 1.0));
        assertThrows(InvalidInputException.class, () -> client.setProject("teaching", null, -1, null));
        assertThrows(InvalidInputException.class, () -> client.setProject("teaching", null, null, Double.NaN));
        client.cancel(a);
        client.cancel(b);
        client.cancel(c);
        LabqException ended = assertThrows(LabqException.class, () -> client.alter(c, new Alteration(null, 1, null, null)));
        assertEquals(LabqException.Kind.ILLEGAL_STATE, ended.kind());
    }

    @Test
    void throughARunningScheduler() {
        try (LabqScheduler scheduler = LabqScheduler.builder(home().root()).config(TestConfigs.small()).tickMillis(0).start();
             LabqClient client = new InProcessClient(scheduler)) {
            exercise(client, true);
        }
    }

    @Test
    void withNoSchedulerRunning() {
        try (LabqClient client = LabqClient.direct(home())) {
            exercise(client, false);
        }
    }
}
