package dev.labq.core.state;

/**
 * One job changed by applying one journal entry.
 *
 * @param before the job before, or {@code null} when the entry created it
 * @param after  the job after
 */
public record JobChange(JobStatus before, JobStatus after) {
    public boolean stateChanged() {
        return before == null || before.state() != after.state();
    }
}
