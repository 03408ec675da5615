package dev.labq.bench;

import dev.labq.core.config.LabqConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** policy-shares: its checks, and what labq's default policy does on it (deterministic: a virtual clock). */
class PolicySharesBenchTest {

    @Test
    void keepsBudgetsAndGivesSharesInOrderOverTenDays() {
        PolicySharesBench.Outcome o = PolicySharesBench.simulate(10, 42);
        assertEquals(0, o.budgetViolations(), () -> "violations: " + o.violationSamples());
        assertTrue(o.cappedMaxHeld() <= PolicySharesBench.MAX_GPUS && o.strictMaxHeld() <= PolicySharesBench.MAX_GPUS);
        assertTrue(o.strictMaxDayHours() <= PolicySharesBench.GPU_HOURS_PER_DAY + 1e-6, "a strict allowance is never passed");
        assertTrue(o.cappedMaxDayHours() <= o.cappedMaxDayBoundHours() + 1e-6, "a plain allowance is passed by at most its bound");
        Map<String, Double> got = o.gpuHoursSecondHalf();
        assertTrue(got.get("alpha") > got.get("beta") && got.get("beta") > got.get("gamma"), got::toString);
        assertTrue(o.lowJobs() > 0 && o.started() > 300, "the machine kept busy and the trickle arrived");
    }

    @Test
    void countsViolationsOfACoreThatIgnoresTheBudgets() {
        Map<String, LabqConfig.Project> unbudgeted = new LinkedHashMap<>();
        PolicySharesBench.CONFIG.projects().forEach((name, p) ->
                unbudgeted.put(name, new LabqConfig.Project(p.importance(), p.share(), null, p.users())));
        LabqConfig config = new LabqConfig(PolicySharesBench.CONFIG.machine(), unbudgeted,
                PolicySharesBench.CONFIG.scheduler(), PolicySharesBench.CONFIG.priority());
        PolicySharesBench.Outcome o = PolicySharesBench.simulate(4, 42, config);
        assertTrue(o.budgetViolations() > 0, "the checks are the harness's own, not the core's");
        assertTrue(o.cappedMaxHeld() > PolicySharesBench.MAX_GPUS, "held " + o.cappedMaxHeld());
    }

    @Test
    void quickRunEndsWithItsResultLines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = BenchMain.run(List.of("--quick", "policy-shares"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(BenchMain.OK, code, text);
        for (String line : List.of("RESULT policy.share_error.max_pct ", "RESULT policy.share_error.whole_run.max_pct ",
                "RESULT policy.low_importance.max_wait_hours ", "RESULT policy.budget_violations 0.000000 count")) {
            assertTrue(text.contains(line), () -> line + " missing in\n" + text);
        }
    }

    @Test
    void sameSeedSameOutcome() {
        assertEquals(PolicySharesBench.simulate(3, 7).gpuHours(), PolicySharesBench.simulate(3, 7).gpuHours());
    }
}
