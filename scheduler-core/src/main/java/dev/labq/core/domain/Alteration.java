package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What `labq alter` changes in a job that has not ended: each field that is set replaces the job's own,
 * {@code null} keeps it. Validated like a submission (the same fields, the same limits).
 *
 * @param deadlineMillis   a new deadline, epoch millis
 * @param importance       a new importance of the job itself (0..{@value JobSpec#MAX_IMPORTANCE})
 * @param timeLimitSeconds a new time limit; a running job is held to it from its start
 * @param nice             a new nice (0..{@value JobSpec#MAX_NICE})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alteration(Long deadlineMillis, Integer importance, Long timeLimitSeconds, Integer nice) {
    public Alteration {
        if (deadlineMillis == null && importance == null && timeLimitSeconds == null && nice == null) {
            throw new InvalidInputException("alter", "(nothing)", "give at least one of --deadline, --importance, --time, --nice");
        }
        if (importance != null && (importance < 0 || importance > JobSpec.MAX_IMPORTANCE)) {
            throw new InvalidInputException("importance", importance, "use a whole number from 0 to " + JobSpec.MAX_IMPORTANCE);
        }
        if (timeLimitSeconds != null && timeLimitSeconds <= 0) {
            throw new InvalidInputException("time", timeLimitSeconds + "s", "give a positive limit such as 30, 1:00:00 or 1-00:00:00");
        }
        if (nice != null && (nice < 0 || nice > JobSpec.MAX_NICE)) {
            throw new InvalidInputException("nice", nice, "use a whole number from 0 to " + JobSpec.MAX_NICE);
        }
    }
}
