package dev.labq.bench.micro;

import dev.labq.bench.JobMix;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.event.EventCodec;
import dev.labq.core.event.JournalEvent.Submitted;
import dev.labq.store.Journal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Appending a submission to the journal (Chronicle Queue in a temporary directory), three ways, so that the
 * cost splits into its parts:
 *
 * <ul>
 *   <li>{@link #appendPreEncodedPayload}: {@link Journal#append} of bytes encoded beforehand: framing, checksum
 *       and the Chronicle write only.</li>
 *   <li>{@link #appendSubmitted}: {@link EventCodec#append}, JSON encoding of the event included: what the
 *       scheduler pays per entry it journals.</li>
 *   <li>{@link #appendNumberedSubmission}: {@link EventCodec#appendSubmission}, what a client's submit pays:
 *       the job id taken from the sequence file under its cross-process file lock, then encode and append.</li>
 * </ul>
 *
 * <p>Chronicle needs its JVM flags in the forked JVM; the {@code micro} harness appends them from the parent
 * POM's {@code chronicle.flags} (an annotation cannot read a POM property, see {@code MicroBench}).
 * The journal is on the page cache, as in labq (no fsync per append). No budget is checked: none exists yet.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Eight warm-up seconds: the encoding appends were still getting faster after five on this box.
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class JournalAppendBench {
    private static final long SEED = 11;
    private static final long TIMESTAMP_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    /** Distinct submissions, cycled, so the encoder sees varied specs rather than one cached shape. */
    private static final int SUBMISSIONS = 1024;
    private static final int SUBMITTED_TYPE = EventCodec.typeOf(Submitted.class);

    private Submitted[] submissions;
    private byte[][] encodedSubmissions;
    private int next;
    private ScratchDirectory directory;
    private Journal journal;

    @Setup(Level.Trial)
    public void makeSubmissions() {
        JobMix mix = new JobMix(SEED);
        submissions = new Submitted[SUBMISSIONS];
        encodedSubmissions = new byte[SUBMISSIONS][];
        for (int i = 0; i < SUBMISSIONS; i++) {
            submissions[i] = new Submitted(JobId.of(i + 1L), mix.next(TIMESTAMP_MILLIS));
            encodedSubmissions[i] = EventCodec.encode(submissions[i]);
        }
    }

    /**
     * A new journal per iteration: at a million appends a second a single journal would grow by gigabytes over
     * a run; this way every iteration appends to a journal of the same (small) size and the disk stays clean.
     */
    @Setup(Level.Iteration)
    public void openEmptyJournal() {
        directory = new ScratchDirectory("labq-micro-journal");
        journal = Journal.open(directory.resolve("journal"), directory.resolve("job-ids"));
    }

    @TearDown(Level.Iteration)
    public void deleteJournal() {
        journal.close();
        directory.close();
    }

    @Benchmark
    public long appendPreEncodedPayload() {
        return journal.append(SUBMITTED_TYPE, EventCodec.PAYLOAD_VERSION, TIMESTAMP_MILLIS,
                encodedSubmissions[next++ & (SUBMISSIONS - 1)]);
    }

    @Benchmark
    public long appendSubmitted() {
        return EventCodec.append(journal, TIMESTAMP_MILLIS, submissions[next++ & (SUBMISSIONS - 1)]);
    }

    @Benchmark
    public Journal.Numbered appendNumberedSubmission() {
        JobSpec spec = submissions[next++ & (SUBMISSIONS - 1)].spec();
        return EventCodec.appendSubmission(journal, TIMESTAMP_MILLIS, spec);
    }
}
