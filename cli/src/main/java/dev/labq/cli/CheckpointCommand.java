package dev.labq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labq.core.checkpoint.CheckpointInfo;
import dev.labq.core.checkpoint.JobCheckpoints;
import dev.labq.core.client.LabqClient;
import dev.labq.core.domain.InvalidInputException;
import dev.labq.core.domain.JobId;
import dev.labq.core.event.JournalEvent;
import dev.labq.store.checkpoint.Verification;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** A job's checkpoints: committed from inside the job, listed, verified and deleted from outside. */
@Command(name = "checkpoint", description = {
        "Checkpoints of jobs. Inside a job, write the state into $" + JobCheckpoints.DIR_VARIABLE + " and run",
        "`labq checkpoint commit`; an attempt after a failure, a requeue or a crash starts with $"
                + JobCheckpoints.RESUME_VARIABLE + " set to the",
        "newest checkpoint that verifies (read-only)."},
        subcommands = {CheckpointCommand.Commit.class, CheckpointCommand.ListCheckpoints.class,
                CheckpointCommand.Verify.class, CheckpointCommand.Delete.class})
final class CheckpointCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: commit, list, verify, delete");
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Commits the job's staging directory: run inside the job, which it finds by LABQ_JOB_ID and LABQ_ATTEMPT. */
    @Command(name = "commit", description = {
            "Commit $" + JobCheckpoints.DIR_VARIABLE + " as the job's next checkpoint: its files get a manifest with",
            "sizes and CRC-32C checksums and become visible at once, whole; the directory is left empty for the next."})
    static final class Commit implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--json", description = "print {number, files, bytes, committed} as JSON (committed: the journaled entry, with --wait)")
        boolean json;

        @Option(names = "--wait", description = "return once the checkpoint is durable and journaled, not as soon as its files are taken")
        boolean await;

        @Override
        public Integer call() throws IOException {
            Map<String, String> env = common.invocation().env();
            JobId job = fromEnvironment(env, "LABQ_JOB_ID");
            int attempt = (int) fromEnvironment(env, "LABQ_ATTEMPT").value();
            JobCheckpoints.Receipt r;
            try (LabqClient client = common.client()) {
                r = client.commitCheckpoint(job, attempt, await);
            }
            PrintStream out = common.invocation().out();
            JournalEvent.CheckpointCommitted c = r.committed();
            if (json) {
                out.println(PolicyOutput.JSON.writeValueAsString(r));
            } else if (c == null) {
                out.printf(Locale.ROOT, "checkpoint %d of job %s: %d file%s, %s taken; labq makes it durable now%n",
                        r.number(), job, r.files(), r.files() == 1 ? "" : "s", size(r.bytes()));
            } else {
                out.printf(Locale.ROOT, "checkpoint %d of job %s: %d file%s, %s (%s written), durable%s%n", c.number(), job,
                        c.files(), c.files() == 1 ? "" : "s", size(c.bytes()), size(c.storedBytes()),
                        c.pruned().isEmpty() ? "" : "; deleted older " + c.pruned());
            }
            return ExitCodes.OK;
        }

        private static JobId fromEnvironment(Map<String, String> env, String name) {
            String value = env.get(name);
            if (value == null) {
                throw new InvalidInputException(name, "(not set)", "`labq checkpoint commit` runs inside a job that labq"
                        + " started, which has " + name + " in its environment");
            }
            try {
                return JobId.parse(value);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(name, value, "it is a positive number in a job labq started");
            }
        }
    }

    /** The job's checkpoints, each verified now. */
    @Command(name = "list", description = "List a job's checkpoints, oldest first: number, time, files, size, whether it verifies, where.")
    static final class ListCheckpoints implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "JOBID", converter = JobRef.Converter.class, description = "job id, or ARRAY_TASK")
        JobRef job;

        @Option(names = "--json", description = "print them as a JSON array")
        boolean json;

        @Override
        public Integer call() throws IOException {
            List<CheckpointInfo> all;
            try (LabqClient client = common.client()) {
                all = client.checkpoints(job.resolve(client));
            }
            PrintStream out = common.invocation().out();
            if (json) {
                ArrayNode array = PolicyOutput.JSON.createArrayNode();
                for (CheckpointInfo c : all) {
                    ObjectNode node = PolicyOutput.JSON.valueToTree(c);
                    node.put("index", c.number());
                    node.put("time", Instant.ofEpochMilli(c.createdMillis()).toString());
                    array.add(node);
                }
                out.println(PolicyOutput.JSON.writeValueAsString(array));
                return ExitCodes.OK;
            }
            if (all.isEmpty()) {
                out.println("job " + job + " has no checkpoint");
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "%5s  %-24s %5s %10s  %-8s %s%n", "N", "CREATED", "FILES", "SIZE", "VERIFIED", "PATH");
            for (CheckpointInfo c : all) {
                out.printf(Locale.ROOT, "%5d  %-24s %5d %10s  %-8s %s%n", c.number(),
                        Instant.ofEpochMilli(c.createdMillis()).atZone(common.invocation().zone()).toLocalDateTime().withNano(0),
                        c.files(), size(c.bytes()), c.verified() ? "yes" : "NO", c.path() + (c.verified() ? "" : "  (" + c.problem() + ")"));
            }
            return ExitCodes.OK;
        }
    }

    /** Reads every checkpoint of the job whole; quarantines (and journals) those that do not verify. */
    @Command(name = "verify", description = {"Verify a job's checkpoints against their manifests (sizes, CRC-32C);",
            "one that fails is quarantined (never resumed from) and that is journaled. Exit 8 when one failed."})
    static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "JOBID", converter = JobRef.Converter.class, description = "job id, or ARRAY_TASK")
        JobRef job;

        @Override
        public Integer call() {
            List<Verification> results;
            try (LabqClient client = common.client()) {
                results = client.verifyCheckpoints(job.resolve(client));
            }
            PrintStream out = common.invocation().out();
            if (results.isEmpty()) {
                out.println("job " + job + " has no checkpoint");
            }
            boolean failed = false;
            for (Verification v : results) {
                out.println("checkpoint " + v.number() + ": " + (v.valid() ? "ok" : "QUARANTINED: " + v.problem()));
                failed |= !v.valid();
            }
            return failed ? ExitCodes.VERIFY_FAILED : ExitCodes.OK;
        }
    }

    /** Deletes one checkpoint. */
    @Command(name = "delete", description = "Delete checkpoint N of a job.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "JOBID", converter = JobRef.Converter.class, description = "job id, or ARRAY_TASK")
        JobRef job;

        @Parameters(index = "1", paramLabel = "N", description = "the checkpoint's number, as `labq checkpoint list` shows")
        long number;

        @Override
        public Integer call() {
            try (LabqClient client = common.client()) {
                client.deleteCheckpoint(job.resolve(client), number);
            }
            common.invocation().out().println("checkpoint " + number + " of job " + job + " deleted");
            return ExitCodes.OK;
        }
    }
}
