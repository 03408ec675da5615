package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a job is in the array that submitted it ({@code labq submit --array}). Every task carries the few
 * numbers its environment and the running limit need; only the array's first task carries the indices, so a
 * long list is stored once, not once per task.
 *
 * @param arrayId    the array's id: its first task's job id, which also names the whole array
 * @param taskId     this task's index ({@code LABQ_ARRAY_TASK_ID}, Slurm's {@code SLURM_ARRAY_TASK_ID})
 * @param taskCount  how many tasks the array has
 * @param minTask    its smallest index
 * @param maxTask    its largest index
 * @param maxRunning at most this many of its tasks run at once; 0 for no limit
 * @param indices    the array's indices, on its first task only (null on the others)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArrayTask(long arrayId, int taskId, int taskCount, int minTask, int maxTask, int maxRunning,
                        ArraySpec indices) {
    /** Task {@code position} (0-based) of {@code array}, whose id is {@code arrayId}. */
    public static ArrayTask of(long arrayId, int position, ArraySpec array) {
        return new ArrayTask(arrayId, array.indexAt(position), array.size(), array.min(), array.max(),
                array.maxRunning(), position == 0 ? array : null);
    }

    /** How the task is written: {@code ARRAY_TASK}, as Slurm's {@code 12_3}. */
    public String label() {
        return arrayId + "_" + taskId;
    }

    /** Whether the array limits how many of its tasks run at once ({@code %N}). */
    public boolean limited() {
        return maxRunning > 0;
    }

    /** The running limit as Slurm writes it after the indices: {@code %N}, or nothing. */
    public String limitText() {
        return limited() ? "%" + maxRunning : "";
    }
}
