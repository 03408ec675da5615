package dev.labq.core.domain;

/**
 * What a job is in the array that submitted it ({@code labq submit --array}).
 *
 * @param arrayId the array's id: its first task's job id, which also names the whole array
 * @param taskId  this task's index ({@code LABQ_ARRAY_TASK_ID}, Slurm's {@code SLURM_ARRAY_TASK_ID})
 * @param array   the array's indices and running limit
 */
public record ArrayTask(long arrayId, int taskId, ArraySpec array) {
    /** How the task is written: {@code ARRAY_TASK}, as Slurm's {@code 12_3}. */
    public String label() {
        return arrayId + "_" + taskId;
    }
}
