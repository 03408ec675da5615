package dev.labq.bench.sim;

import dev.labq.bench.UsageException;
import dev.labq.core.domain.Resources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A Standard Workload Format trace (the Parallel Workloads Archive's): 18 fields per job, {@code ;} header
 * lines. Users become labq users {@code u<N>}, groups projects {@code g<N>}; each processor is one CPU of one
 * machine of {@code cpus} CPUs, sized as {@link MachineSize} says.
 *
 * <p>Jobs without a run time or a processor count (the archive marks them -1) cannot be replayed and are
 * skipped, and counted; so are jobs larger than the machine. A job's time limit depends on {@link Estimate}.
 * The archive marks unknown waits (field 3) and requested times (field 9) -1 too; a job keeps them as -1 and
 * {@code null}, and the counts say how many, because a trace with none changes what the replay can show.
 *
 * @param cpus             the machine's CPUs
 * @param sizedBy          where {@code cpus} came from
 * @param skipped          jobs with no run time or no processors
 * @param tooLarge         jobs with more processors than the machine
 * @param noRequestedTime  replayed jobs whose field 9 is -1 (whatever the estimate used)
 * @param recordedWaits    replayed jobs whose field 3 (wait) is known
 * @param overran          replayed jobs that ran longer than they requested (their limit is their run time)
 */
public record SwfTrace(String name, int cpus, MachineSize sizedBy, Estimate estimate, List<TraceJob> jobs,
                       int skipped, int tooLarge, int noRequestedTime, int recordedWaits, int overran) {

    /** Where the machine's size came from. */
    public enum MachineSize {
        /** The header's {@code ; MaxProcs: N}: processors are what jobs ask for (fields 8 and 5). */
        MAX_PROCS("the header's MaxProcs"),
        /** The header's {@code ; MaxNodes: N}, when it has no MaxProcs. */
        MAX_NODES("the header's MaxNodes (it has no MaxProcs)"),
        /** Neither header line: the largest job's processors, a lower bound of the real machine. */
        LARGEST_JOB("the largest job (the header has neither MaxProcs nor MaxNodes)");

        private final String description;

        MachineSize(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** What a job's time limit, the estimate backfill plans with, is made of. */
    public enum Estimate {
        /**
         * The requested time (field 9), raised to the run time where the job ran longer than it asked
         * (production schedulers let some overrun), so the replay does the same work. A job with no requested
         * time has no limit, and a job with no limit is never backfilled.
         */
        REQUESTED,
        /** The run time (field 4), at least 1 s: exact estimates, for traces that recorded no requests. */
        RUNTIME;

        /** The name on the command line: {@code requested}, {@code runtime}. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Reads {@code file} with requested times as limits; see {@link #read(Path, int, Estimate)}. */
    public static SwfTrace read(Path file, int limit) {
        return read(file, limit, Estimate.REQUESTED);
    }

    /** Reads {@code file} (gzipped when it ends in .gz), keeping the first {@code limit} usable jobs. */
    public static SwfTrace read(Path file, int limit, Estimate estimate) {
        return read(file, 0, limit, estimate);
    }

    /**
     * Reads {@code file} from its job line {@code skip + 1} on (a later slice of the trace, with time 0 at its
     * first job and no usage before it), keeping the first {@code limit} usable jobs.
     */
    public static SwfTrace read(Path file, int skip, int limit, Estimate estimate) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--trace " + file + ": no such file", "give an SWF file, gzipped or not");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return parse(file.getFileName().toString(),
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)), skip, limit, estimate);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    static SwfTrace parse(String name, BufferedReader lines, int limit) throws IOException {
        return parse(name, lines, limit, Estimate.REQUESTED);
    }

    static SwfTrace parse(String name, BufferedReader lines, int limit, Estimate estimate) throws IOException {
        return parse(name, lines, 0, limit, estimate);
    }

    static SwfTrace parse(String name, BufferedReader lines, int skip, int limit, Estimate estimate) throws IOException {
        int jobLines = 0;
        int maxProcs = -1;
        int maxNodes = -1;
        List<TraceJob> jobs = new ArrayList<>();
        int skipped = 0;
        int tooLarge = 0;
        int noRequestedTime = 0;
        int recordedWaits = 0;
        int overran = 0;
        long firstSubmit = -1;
        int lineNumber = 0;
        for (String line = lines.readLine(); line != null && jobs.size() < limit; line = lines.readLine()) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.startsWith(";")) {
                String header = trimmed.substring(1).trim();
                maxProcs = headerNumber(name, lineNumber, header, "MaxProcs:", maxProcs);
                maxNodes = headerNumber(name, lineNumber, header, "MaxNodes:", maxNodes);
                continue;
            }
            if (trimmed.isEmpty() || ++jobLines <= skip) {
                continue;
            }
            String[] f = trimmed.split("\\s+");
            if (f.length < 18) {
                throw new UsageException(name + " line " + lineNumber + ": " + f.length + " fields",
                        "an SWF job line has 18 whitespace-separated fields");
            }
            long submit = Long.parseLong(f[1]);
            long wait = Long.parseLong(f[2]);
            long run = Long.parseLong(f[3]);
            int procs = Integer.parseInt(f[7]) > 0 ? Integer.parseInt(f[7]) : Integer.parseInt(f[4]);
            long requested = Long.parseLong(f[8]);
            if (run < 0 || procs <= 0) {
                skipped++;
                continue;
            }
            int machine = maxProcs > 0 ? maxProcs : maxNodes;
            if (machine > 0 && procs > machine) {
                tooLarge++;
                continue;
            }
            if (firstSubmit < 0) {
                firstSubmit = submit;
            }
            if (requested <= 0) {
                noRequestedTime++;
            } else if (run > requested) {
                overran++;
            }
            if (wait >= 0) {
                recordedWaits++;
            }
            Long limitSeconds = switch (estimate) {
                case REQUESTED -> requested > 0 ? Math.max(requested, run) : null;
                case RUNTIME -> Math.max(1, run); // labq refuses a limit of 0
            };
            jobs.add(new TraceJob(jobs.size() + 1, submit - firstSubmit, run, new Resources(procs, 0, 0, null),
                    limitSeconds, "u" + f[11], "g" + f[12], null, null, List.of(), wait < 0 ? -1 : wait));
        }
        int cpus;
        MachineSize sizedBy;
        if (maxProcs > 0) {
            cpus = maxProcs;
            sizedBy = MachineSize.MAX_PROCS;
        } else if (maxNodes > 0) {
            cpus = maxNodes;
            sizedBy = MachineSize.MAX_NODES;
        } else {
            cpus = jobs.stream().mapToInt(j -> j.request().cpus()).max().orElse(1);
            sizedBy = MachineSize.LARGEST_JOB;
        }
        return new SwfTrace(name, cpus, sizedBy, estimate, jobs, skipped, tooLarge, noRequestedTime, recordedWaits, overran);
    }

    /** The number of a {@code key N} header line, or {@code current} when {@code header} is another line. */
    private static int headerNumber(String name, int lineNumber, String header, String key, int current) {
        if (!header.startsWith(key)) {
            return current;
        }
        String value = header.substring(key.length()).trim();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " line " + lineNumber + ": " + key + " " + value + " is not a whole number",
                    "an SWF header line reads ; " + key + " N");
        }
    }
}
