package dev.labq.core.policy.priority;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.policy.PolicyContext;
import dev.labq.core.policy.usage.UsageLedger;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Normalised shares and decayed usage of every project, and of every user within a project, at one time and
 * ledger version, with Slurm's classic fair-share factor {@code 2^(-usage/share)}. Projects are normalised
 * against all configured projects; users against the project's configured users and those the ledger has
 * seen (share 1 unless configured). Shares set with {@code labq project set} override the configuration.
 */
public final class FairShareTable {
    private final long atMillis;
    private final UsageLedger ledger;
    private final long version;
    private final PolicyContext context;
    private final int maxImportance;
    private final Map<String, Share> projects = new HashMap<>();
    private final Map<String, Map<String, Share>> users = new HashMap<>();

    /**
     * One account's place in the table.
     *
     * @param usage  its decayed usage over its siblings' (all projects', or the project's users'); 0 to 1
     * @param share  its share over its siblings'; 0 to 1
     * @param factor {@code 2^(-usage/share)}: 1 unused, 1/2 used exactly its share, towards 0 far over it;
     *               0 for a share of 0
     * @param raw    its decayed usage in billing units
     */
    public record Share(double usage, double share, double factor, double raw) {
        static Share of(double usage, double share, double raw) {
            return new Share(usage, share, share <= 0 ? 0 : Math.pow(2, -usage / share), raw);
        }
    }

    public FairShareTable(PolicyContext context) {
        this.context = context;
        this.atMillis = context.nowMillis();
        this.ledger = context.ledger();
        this.version = ledger.version();
        double shareSum = 0;
        double usageSum = 0;
        Map<String, Double> usage = new HashMap<>();
        for (String project : context.config().projects().keySet()) {
            shareSum += context.share(project, null);
            double used = ledger.decayedUsage(project, null, atMillis);
            usage.put(project, used);
            usageSum += used;
        }
        this.maxImportance = context.highestImportance();
        for (String project : context.config().projects().keySet()) {
            double used = usage.get(project);
            projects.put(project, Share.of(usageSum > 0 ? used / usageSum : 0,
                    shareSum > 0 ? context.share(project, null) / shareSum : 0, used));
        }
    }

    /** Whether this table is still the one for {@code other}: same time, same ledger and version. */
    boolean isFor(PolicyContext other) {
        return other.nowMillis() == atMillis && other.ledger() == ledger && ledger.version() == version
                && other.config() == context.config();
    }

    /** The highest importance of a project (at least 1): importance factors are relative to it. */
    public int maxImportance() {
        return maxImportance;
    }

    public Share project(String project) {
        Share share = projects.get(project);
        return share != null ? share : Share.of(0, 0, 0);
    }

    public Share user(String project, String user) {
        Map<String, Share> ofProject = users.computeIfAbsent(project, p -> usersOf(p));
        Share share = ofProject.get(user);
        if (share == null) {
            // Neither configured nor seen by the ledger: no usage, its share against the others' plus its own.
            // The others' shares stay as they are, so no answer depends on the order users are asked in.
            double own = context.share(project, user);
            double others = 0;
            for (String name : ofProject.keySet()) {
                others += context.share(project, name);
            }
            share = Share.of(0, others + own > 0 ? own / (others + own) : 0, 0);
        }
        return share;
    }

    /** The users of {@code project} in the table (configured or seen), with their shares. */
    public Map<String, Share> users(String project) {
        return Map.copyOf(users.computeIfAbsent(project, p -> usersOf(p)));
    }

    private Map<String, Share> usersOf(String project) {
        Set<String> names = new LinkedHashSet<>();
        LabqConfig.Project p = context.config().projects().get(project);
        if (p != null) {
            names.addAll(p.users().keySet());
        }
        names.addAll(ledger.usersOf(project));
        double shareSum = 0;
        double usageSum = 0;
        Map<String, Double> usage = new HashMap<>();
        for (String name : names) {
            shareSum += context.share(project, name);
            double used = ledger.decayedUsage(project, name, atMillis);
            usage.put(name, used);
            usageSum += used;
        }
        Map<String, Share> out = new HashMap<>();
        for (String name : names) {
            double used = usage.get(name);
            out.put(name, Share.of(usageSum > 0 ? used / usageSum : 0,
                    shareSum > 0 ? context.share(project, name) / shareSum : 0, used));
        }
        return out;
    }
}
