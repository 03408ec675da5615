package dev.labq.core.client;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.state.JobStatus;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What a CLI command does against a home. Inside a running scheduler's process (commands forwarded over
 * its socket) it is an {@link InProcessClient}; with no scheduler it is a {@link DirectClient} that reads
 * and appends to the journal itself. Either way, a call that returns has made its change durable.
 */
public interface LabqClient extends AutoCloseable {

    /** A client that works on the home's files directly (a running scheduler picks up what it appends). */
    static LabqClient direct(LabqHome home) {
        return new DirectClient(home);
    }

    /** True when a running scheduler serves this client. */
    boolean viaScheduler();

    JobId submit(JobSpec spec);

    void hold(JobId job);

    void release(JobId job);

    void cancel(JobId job);

    /** The named jobs, or every job when {@code ids} is empty. */
    List<JobStatus> stat(List<JobId> ids);

    /**
     * Streams journal entries from {@code fromIndex} (inclusive; {@code Journal.BEFORE_FIRST} for the start)
     * as JSON lines; with {@code follow}, until {@code stop} says so.
     */
    void tail(long fromIndex, boolean follow, Consumer<String> lines, BooleanSupplier stop);

    @Override
    void close();
}
