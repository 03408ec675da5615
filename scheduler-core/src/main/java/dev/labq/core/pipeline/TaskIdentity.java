package dev.labq.core.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What a task's {@link TaskKeys key} covers besides its tool, config and dependencies: the pipeline's
 * {@code identity:} key.
 */
public enum TaskIdentity {
    /** The {@code run}/{@code shell} command too: two tasks that run different commands are different; the default. */
    COMMAND,
    /**
     * Not the command: the config says what is computed and the command only how it is started here (a container
     * runner such as {@code docker run} or {@code apptainer exec}). Landseer imports use it, so that a result
     * is the same task whichever runner produced it.
     */
    CONFIG;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The identity named {@code text}; {@link InvalidPipelineException} at {@code identity} otherwise. */
    @JsonCreator
    public static TaskIdentity of(String text) {
        for (TaskIdentity t : values()) {
            if (t.wireName().equals(text)) {
                return t;
            }
        }
        throw new InvalidPipelineException("identity", "", "identity", text,
                "use command (tool, config, command and dependencies name a task) or config (tool, config and dependencies)");
    }
}
