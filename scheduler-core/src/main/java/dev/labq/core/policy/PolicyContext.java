package dev.labq.core.policy;

import dev.labq.core.config.LabqConfig;
import dev.labq.core.config.MachineInventory;
import dev.labq.core.policy.predict.RuntimePredictor;
import dev.labq.core.policy.usage.UsageLedger;

/**
 * What a policy may read besides the job: the time of the decision, the usage ledger (with the overrides of
 * {@code labq project set}), the configuration, the runtime predictor and the machine.
 */
public record PolicyContext(long nowMillis, LabqConfig config, UsageLedger ledger, RuntimePredictor predictor,
                            MachineInventory inventory) {

    /** The same context at another time. */
    public PolicyContext at(long millis) {
        return millis == nowMillis ? this : new PolicyContext(millis, config, ledger, predictor, inventory);
    }

    /** A project's importance: set by {@code labq project set}, else configured. */
    public int projectImportance(String project) {
        Integer set = ledger.importanceOverride(project);
        return set != null ? set : config.importanceOf(project);
    }

    /** The highest importance of a configured project (at least 1): importance factors are relative to it. */
    public int highestImportance() {
        int highest = 1;
        for (String project : config.projects().keySet()) {
            highest = Math.max(highest, projectImportance(project));
        }
        return highest;
    }

    /** A project's share ({@code user} null), or a user's within its project: set, else configured. */
    public double share(String project, String user) {
        Double set = ledger.shareOverride(project, user);
        if (set != null) {
            return set;
        }
        LabqConfig.Project p = config.projects().get(project);
        if (p == null) {
            return 0;
        }
        return user == null ? p.share() : p.user(user).share();
    }
}
