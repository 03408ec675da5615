package dev.labq.cli;

import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.ArraySpec;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import picocli.CommandLine;

import java.util.List;

/**
 * A job as a user types it: a job id ({@code 12}, which for a job array names the whole array where a command
 * can act on it, as in Slurm), or one task of an array ({@code 12_3}: array 12, task index 3).
 *
 * @param id   the job id, or the array's id
 * @param task the array task's index, or null
 */
record JobRef(JobId id, Integer task) {
    /** The job {@code ref} names: itself, or the array task's own job id, found through the array's first task. */
    JobId resolve(LabqClient client) {
        return resolve(client, "job");
    }

    /** As {@link #resolve(LabqClient)}, a mistake named as {@code field}. */
    JobId resolve(LabqClient client, String field) {
        if (task == null) {
            return id;
        }
        ArraySpec array = client.stat(List.of(id)).get(0).arrayItNames();
        if (array == null) {
            throw new InvalidInputException(field, this, "job " + id + " is not a job array; give its id alone");
        }
        int position = array.positionOf(task);
        if (position < 0) {
            throw new InvalidInputException(field, this, "array " + id + " has no task " + task + "; its tasks are "
                    + array);
        }
        return JobId.of(id.value() + position);
    }

    /** Whether it names a whole array (when the job is one): no task given. */
    boolean wholeArray() {
        return task == null;
    }

    @Override
    public String toString() {
        return task == null ? id.toString() : id + "_" + task;
    }

    /** Converts a typed id, so a bad one is a usage error naming the value. */
    static final class Converter implements CommandLine.ITypeConverter<JobRef> {
        @Override
        public JobRef convert(String value) {
            try {
                int underscore = value.indexOf('_');
                if (underscore < 0) {
                    return new JobRef(JobId.parse(value), null);
                }
                int task = Integer.parseInt(value.substring(underscore + 1));
                if (task < 0) {
                    throw new NumberFormatException(value);
                }
                return new JobRef(JobId.parse(value.substring(0, underscore)), task);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("invalid job id '" + value
                        + "': job ids are positive numbers as printed by `labq submit`, or ARRAY_TASK for one task of an array (e.g. 12_3)");
            }
        }
    }
}
