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
 * lines with {@code MaxProcs}. Users become labq users {@code u<N>}, groups projects {@code g<N>}; each
 * processor is one CPU of one machine with {@code MaxProcs} CPUs.
 *
 * <p>Jobs without a run time or a processor count (the archive marks them -1) cannot be replayed and are
 * skipped, and counted. A job's time limit is its requested time (field 9), raised to its run time where it
 * ran longer than it asked (production schedulers let some overrun), so the replay does the same work.
 */
public record SwfTrace(String name, int maxProcs, List<TraceJob> jobs, int skipped) {

    /** Reads {@code file} (gzipped when it ends in .gz), keeping the first {@code limit} usable jobs. */
    public static SwfTrace read(Path file, int limit) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--trace " + file + ": no such file", "give an SWF file, gzipped or not");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return parse(file.getFileName().toString(), new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)), limit);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    static SwfTrace parse(String name, BufferedReader lines, int limit) throws IOException {
        int maxProcs = -1;
        List<TraceJob> jobs = new ArrayList<>();
        int skipped = 0;
        long firstSubmit = -1;
        int lineNumber = 0;
        for (String line = lines.readLine(); line != null && jobs.size() < limit; line = lines.readLine()) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.startsWith(";")) {
                String header = trimmed.substring(1).trim();
                if (header.startsWith("MaxProcs:")) {
                    maxProcs = Integer.parseInt(header.substring("MaxProcs:".length()).trim());
                }
                continue;
            }
            if (trimmed.isEmpty()) {
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
            if (run < 0 || procs <= 0 || (maxProcs > 0 && procs > maxProcs)) {
                skipped++;
                continue;
            }
            if (firstSubmit < 0) {
                firstSubmit = submit;
            }
            Long limitSeconds = requested > 0 ? Math.max(requested, run) : null;
            jobs.add(new TraceJob(jobs.size() + 1, submit - firstSubmit, run, new Resources(procs, 0, 0, null),
                    limitSeconds, "u" + f[11], "g" + f[12], null, null, List.of(), wait));
        }
        if (maxProcs <= 0) {
            maxProcs = jobs.stream().mapToInt(j -> j.request().cpus()).max().orElse(1);
        }
        return new SwfTrace(name, maxProcs, jobs, skipped);
    }
}
