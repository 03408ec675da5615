package dev.labq.core.rpc;

import java.util.List;
import java.util.Map;

/**
 * A command line run on behalf of a client process: its arguments and the context they are read in
 * (working directory, user, environment), so the scheduler can run it exactly as the client would have.
 */
public record RemoteInvocation(List<String> args, String cwd, String user, Map<String, String> env) {
    public RemoteInvocation {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }
}
