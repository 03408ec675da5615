package dev.labq.core.domain;

import java.util.List;

/**
 * A job's wish to be asked for a checkpoint: labq sends it {@code signal} when {@code everySeconds} have passed
 * since its attempt started or it last committed one (HTCondor's and Slurm's {@code --signal} contract: a job
 * that asks must handle the signal, since a signal it ignores by default ends it).
 *
 * @param everySeconds how long after its start or its last checkpoint a job is asked for the next
 * @param signal       the signal's name without {@code SIG}: USR1 (the default), USR2, HUP, INT or ALRM
 */
public record CheckpointRequest(long everySeconds, String signal) {
    public static final List<String> SIGNALS = List.of("USR1", "USR2", "HUP", "INT", "ALRM");

    public CheckpointRequest {
        signal = signal == null ? "USR1" : signal.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "");
        if (everySeconds < 1) {
            throw new InvalidInputException("checkpoint-every", everySeconds + "s", "give a positive interval, e.g. 30m");
        }
        if (!SIGNALS.contains(signal)) {
            throw new InvalidInputException("checkpoint-signal", signal, "use one of " + SIGNALS
                    + " (TERM and KILL end a job; labq sends them itself)");
        }
    }
}
