package dev.labq.core.client;

import dev.labq.core.LabqHome;
import dev.labq.core.domain.JobId;
import dev.labq.core.domain.JobSpec;
import dev.labq.core.state.JobStatus;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a short-lived client (a CLI command) does against a home: talk to the running scheduler over its
 * socket when there is one, else read and append to the journal itself. Either way, a call that returns
 * has made its change durable.
 *
 * <p>The two paths are separate classes so that the socket path never loads Chronicle: a CLI command
 * then costs a JVM start plus a few milliseconds, not the second or more a journal open takes.
 */
public interface LabqClient extends AutoCloseable {

    /** Connects to the home's scheduler if one answers on its socket, else opens the home directly. */
    static LabqClient connect(LabqHome home) {
        LabqClient viaSocket = SocketClient.tryConnect(home);
        return viaSocket != null ? viaSocket : new DirectClient(home);
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
     * as JSON lines; with {@code follow}, until the thread is interrupted or the scheduler stops.
     */
    void tail(long fromIndex, boolean follow, Consumer<String> lines);

    @Override
    void close();
}
