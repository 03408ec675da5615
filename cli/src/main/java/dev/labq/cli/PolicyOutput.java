package dev.labq.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.config.Budget;
import dev.labq.core.decision.BudgetState;
import dev.labq.core.decision.Explanation;
import dev.labq.core.state.JobStatus;
import dev.labq.core.decision.ShareRow;
import dev.labq.core.event.EventCodec;
import dev.labq.core.policy.priority.Priority;
import dev.labq.core.policy.usage.UsageLedger;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How {@code explain}, {@code prio} and {@code shares} print: JSON documents with stable field names, and
 * tables for people. The JSON of {@code explain}: {@code job}, {@code state}, {@code policy},
 * {@code priority}, {@code factors} (name to {@code {value, weight, contribution, detail}}), {@code reason},
 * {@code ahead} (ids), {@code aheadCount}, {@code estimatedStart} (ISO-8601 or null), {@code budget}.
 */
final class PolicyOutput {
    static final ObjectMapper JSON = EventCodec.Json.mapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PolicyOutput() {
    }

    static ObjectNode explanation(Explanation e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("job", e.job().id().value());
        if (e.job().spec().array() != null) {
            node.put("arrayTask", e.job().spec().array().label());
        }
        node.put("name", e.job().spec().name());
        node.put("project", e.job().spec().project());
        node.put("user", e.job().spec().user());
        node.put("state", e.job().state().toString());
        node.put("policy", e.policy());
        if (e.priority() != null) {
            node.put("priority", round(e.priority().value()));
            ObjectNode factors = node.putObject("factors");
            for (Priority.Factor f : e.priority().factors()) {
                ObjectNode factor = factors.putObject(f.name());
                factor.put("value", round(f.value()));
                factor.put("weight", round(f.weight()));
                factor.put("contribution", round(f.contribution()));
                factor.put("detail", f.detail());
            }
        } else {
            node.putNull("priority");
            node.putObject("factors");
        }
        node.put("reason", e.reason());
        if (e.placement() != null) {
            node.put("placement", e.placement());
        }
        node.put("attempt", e.job().attempt());
        if (e.job().spec().retries() != null) {
            node.put("retries", e.job().spec().retries());
        }
        if (e.job().retryAtMillis() != null) {
            node.put("nextRetry", Instant.ofEpochMilli(e.job().retryAtMillis()).toString());
        }
        if (e.job().lastCheckpoint() != null) {
            node.put("lastCheckpoint", e.job().lastCheckpoint().number());
            node.put("lastCheckpointTime", Instant.ofEpochMilli(e.job().lastCheckpoint().createdMillis()).toString());
        }
        ArrayNode ahead = node.putArray("ahead");
        e.ahead().forEach(id -> ahead.add(id.value()));
        node.put("aheadCount", e.aheadCount());
        if (e.estimatedStartMillis() != null) {
            node.put("estimatedStart", Instant.ofEpochMilli(e.estimatedStartMillis()).toString());
        } else {
            node.putNull("estimatedStart");
        }
        if (e.budget() != null) {
            ObjectNode budget = node.putObject("budget");
            budget.set("project", account(e.budget().project()));
            budget.set("user", account(e.budget().user()));
        }
        return node;
    }

    static ObjectNode account(BudgetState.Account a) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", a.name());
        Budget b = a.budget();
        ObjectNode held = node.putObject("held");
        held.put("cpus", a.held().cpus());
        held.put("memoryMb", a.held().memoryMb());
        if (a.held().gpus() == Math.rint(a.held().gpus())) {
            held.put("gpus", (long) a.held().gpus());
        } else {
            held.put("gpus", a.held().gpus());
        }
        ObjectNode caps = node.putObject("caps");
        if (b != null) {
            putIfSet(caps, "maxCpus", b.maxCpus());
            if (b.maxMemoryMb() != null) {
                caps.put("maxMemoryMb", b.maxMemoryMb());
            }
            putIfSet(caps, "maxGpus", b.maxGpus());
        }
        UsageLedger.PeriodUsage p = a.period();
        ObjectNode period = node.putObject("period");
        period.put("kind", b == null ? "none" : b.period());
        period.put("start", p.startMillis() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(p.startMillis()).toString());
        period.put("end", p.endMillis() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(p.endMillis()).toString());
        node.put("strict", b != null && b.strict());
        node.set("cpuHours", hours(p.cpuSeconds(), b == null ? null : b.cpuHours()));
        node.set("gpuHours", hours(p.gpuSeconds(), b == null ? null : b.gpuHours()));
        return node;
    }

    private static void putIfSet(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static ObjectNode hours(double usedSeconds, Double allowance) {
        ObjectNode node = JSON.createObjectNode();
        node.put("used", round6(usedSeconds / 3600));
        if (allowance != null) {
            node.put("allowance", allowance);
            node.put("remaining", round6(Math.max(0, allowance - usedSeconds / 3600)));
        } else {
            node.putNull("allowance");
            node.putNull("remaining");
        }
        return node;
    }

    static ObjectNode share(ShareRow r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("project", r.project());
        node.put("user", r.user());
        node.put("importance", r.importance());
        node.put("share", r.share());
        node.put("normalizedShare", round6(r.normalizedShare()));
        node.put("usage", round6(r.usage()));
        node.put("normalizedUsage", round6(r.normalizedUsage()));
        node.put("fairshare", round6(r.fairshare()));
        node.set("budget", account(r.budget()));
        return node;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    static void printExplanation(Explanation e, long nowMillis, PrintStream out) {
        String task = e.job().spec().array() == null ? "" : " [" + e.job().spec().array().label() + "]";
        out.printf(Locale.ROOT, "job %s%s (%s, project %s, user %s): %s, %s%n", e.job().id(), task, e.job().spec().name(),
                e.job().spec().project(), e.job().spec().user(), e.job().state(), e.reason());
        if (e.placement() != null) {
            out.println("placement: " + e.placement());
        }
        JobStatus j = e.job();
        if (j.attempt() > 0 || j.spec().retries() != null) {
            out.println("attempts: " + j.attempt() + (j.spec().retries() == null ? "" : " (retries: " + j.spec().retries()
                    + (j.spec().retryPolicy() == null ? "" : ", " + retryRules(j)) + ")")
                    + (j.retryAtMillis() == null ? "" : "; next retry at " + Instant.ofEpochMilli(j.retryAtMillis())
                    + (j.retryAtMillis() > nowMillis ? " (in " + StatCommand.clock((j.retryAtMillis() - nowMillis + 999) / 1000) + ")" : "")));
        }
        if (j.lastCheckpoint() != null) {
            out.println("last checkpoint: " + j.lastCheckpoint().number() + " at " + Instant.ofEpochMilli(j.lastCheckpoint().createdMillis())
                    + (j.state() == dev.labq.core.domain.JobState.RUNNING ? " (work since then: "
                    + StatCommand.clock(Math.max(0, nowMillis - j.lastCheckpoint().createdMillis()) / 1000) + ")" : ""));
        }
        if (e.priority() != null) {
            out.printf(Locale.ROOT, "priority %.1f by %s:%n", e.priority().value(), e.policy());
            out.printf(Locale.ROOT, "  %-14s %8s %9s %13s  %s%n", "FACTOR", "VALUE", "WEIGHT", "CONTRIBUTION", "FROM");
            for (Priority.Factor f : e.priority().factors()) {
                out.printf(Locale.ROOT, "  %-14s %8.3f %9.1f %13.1f  %s%n", f.name(), f.value(), f.weight(),
                        f.contribution(), f.detail() == null ? "" : f.detail());
            }
        }
        if (e.aheadCount() > 0 || e.priority() != null) {
            out.println("ahead: " + e.aheadCount() + " ready job" + (e.aheadCount() == 1 ? "" : "s")
                    + (e.ahead().isEmpty() ? "" : " (" + String.join(" ", e.ahead().stream().map(Object::toString).toList())
                    + (e.ahead().size() < e.aheadCount() ? " ..." : "") + ")"));
        }
        if (e.estimatedStartMillis() != null) {
            long in = e.estimatedStartMillis() - nowMillis;
            out.println((e.job().state().isTerminal() || e.job().startMillis() != null ? "started: " : "estimated start: ")
                    + Instant.ofEpochMilli(e.estimatedStartMillis())
                    + (in > 0 ? " (in " + StatCommand.clock(in / 1000) + ", by the time limits of the jobs before it)" : ""));
        } else if (e.priority() != null) {
            out.println("estimated start: unknown (" + (e.reason().startsWith("Budget") ? "waits for its budget"
                    : "a job it waits behind has no time limit, or it has too many jobs ahead") + ")");
        }
        if (e.budget() != null) {
            for (BudgetState.Account a : List.of(e.budget().project(), e.budget().user())) {
                if (a.budget() != null) {
                    out.println("budget " + a.name() + ": " + budgetLine(a));
                }
            }
        }
    }

    private static String retryRules(JobStatus j) {
        dev.labq.core.domain.RetryPolicy p = j.spec().retryPolicy();
        return (p.backoff() == null ? "at once" : "backoff " + p.backoff()) + (p.on() == null ? "" : ", on " + p.on());
    }

    static String budgetLine(BudgetState.Account a) {
        Budget b = a.budget();
        if (b == null) {
            return "none";
        }
        StringBuilder line = new StringBuilder();
        if (b.maxCpus() != null) {
            line.append("cpus ").append(a.held().cpus()).append('/').append(b.maxCpus()).append(' ');
        }
        if (b.maxMemory() != null) {
            line.append("mem ").append(a.held().memoryMb()).append("M/").append(b.maxMemory()).append(' ');
        }
        if (b.maxGpus() != null) {
            line.append("gpus ").append(dev.labq.core.domain.Resources.gpuText(a.held().gpus())).append('/').append(b.maxGpus()).append(' ');
        }
        String per = b.period().equals("none") ? "" : " this " + b.period();
        if (b.cpuHours() != null) {
            line.append(String.format(Locale.ROOT, "cpuHours %.4f/%s%s ", a.period().cpuSeconds() / 3600, b.cpuHours(), per));
        }
        if (b.gpuHours() != null) {
            line.append(String.format(Locale.ROOT, "gpuHours %.4f/%s%s ", a.period().gpuSeconds() / 3600, b.gpuHours(), per));
        }
        if (b.strict()) {
            line.append("(strict)");
        }
        return line.toString().strip();
    }
}
