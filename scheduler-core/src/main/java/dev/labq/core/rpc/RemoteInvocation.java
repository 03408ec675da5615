package dev.labq.core.rpc;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command line run on behalf of a client process: its arguments and the context they are read in
 * (working directory, user, time zone, environment), so the scheduler can run it exactly as the client would
 * have.
 *
 * @param user   the user the command runs as; on {@code scheduler.sock} the OS user at the other end of the
 *               socket, whatever the client claimed ({@link SocketServer})
 * @param zoneId the client's time zone, as {@code java.util.TimeZone.getDefault().getID()} names it there
 *               (a region such as {@code Europe/Berlin}, an offset such as {@code GMT+01:00}, or an old
 *               three-letter id): the thin client sends the name, which costs it no time-zone rules
 */
public record RemoteInvocation(List<String> args, String cwd, String user, String zoneId, Map<String, String> env) {
    public RemoteInvocation {
        args = List.copyOf(args);
        Objects.requireNonNull(zoneId, "zoneId");
        env = Map.copyOf(env);
    }

    /**
     * The client's time zone, in which the local date-times it types (a {@code --deadline} without an offset)
     * are read. Throws {@link java.time.DateTimeException} when this JDK does not know it.
     */
    public ZoneId zone() {
        return ZoneId.of(zoneId, ZoneId.SHORT_IDS);
    }

    /** The same invocation, run as {@code user}. */
    public RemoteInvocation withUser(String user) {
        return new RemoteInvocation(args, cwd, user, zoneId, env);
    }
}
