"""The launcher's fast path: forwards a command line to the scheduler serving the home, as the Java thin client
(dev.labq.cli.ThinClient) does, over the same protocol (dev.labq.core.rpc.CommandFrames, version 3), in the
~10 ms a bare Python starts in instead of the ~100 ms of a JVM. The scheduler runs the command and renders its
output, so both paths print the same bytes and exit with the same code.

Exits 121 when it cannot serve the command (not a forwarded one, no scheduler answering, a time zone it cannot
name as Java would): the launcher then runs the Java client. Standard library only; runs under `python3 -S -E`.
"""
import os
import pwd
import socket
import struct
import sys

FORWARDED = {"submit", "qsub", "sbatch", "stat", "qstat", "squeue", "del", "qdel", "scancel", "hold", "release",
             "requeue", "tail", "alter", "qalter", "explain", "prio", "sprio", "shares", "sshare", "project",
             "pipeline", "checkpoint", "gpus", "nodes", "drain", "resume"}
NOT_SERVED = 121
STORAGE = 7
VERSION = 3
OUT, ERR, EXIT = 1, 2, 3


def home(args):
    """The home the command line names, as the Java client reads it."""
    i = 1
    while i < len(args) and args[i] != "--":
        if args[i] == "--home" and i + 1 < len(args):
            return os.path.abspath(args[i + 1])
        if args[i].startswith("--home="):
            return os.path.abspath(args[i][len("--home="):])
        i += 1
    env = os.environ.get("LABQ_HOME")
    return os.path.abspath(env if env and env.strip() else ".labq")


def zone():
    """The time zone id Java's TimeZone.getDefault() reports here, or None when it cannot be told for sure."""
    tz = os.environ.get("TZ")
    if tz:
        return tz[1:] if tz.startswith(":") else tz
    try:
        with open("/etc/timezone") as f:
            name = f.read().strip()
            if name:
                return name
    except OSError:
        pass
    try:
        target = os.readlink("/etc/localtime")
        at = target.find("zoneinfo/")
        if at >= 0:
            return target[at + len("zoneinfo/"):]
    except OSError:
        pass
    return None


def text(value):
    data = value.encode("utf-8", "surrogateescape")
    return struct.pack(">i", len(data)) + data


def invocation(args, tz):
    parts = [b"LQ", bytes([VERSION]), struct.pack(">i", len(args))]
    parts += [text(a) for a in args]
    parts += [text(os.getcwd()), text(pwd.getpwuid(os.getuid()).pw_name), text(tz), struct.pack(">i", len(os.environ))]
    for key, value in os.environ.items():
        parts += [text(key), text(value)]
    return b"".join(parts)


def read_exactly(connection, n):
    chunks = []
    while n > 0:
        chunk = connection.recv(min(n, 65536))
        if not chunk:
            raise EOFError("the scheduler closed the connection mid-frame")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def main(args):
    tz = zone()
    if not args or args[0] not in FORWARDED or tz is None:
        return NOT_SERVED
    path = os.path.join(home(args), "scheduler.sock")
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        return NOT_SERVED  # none, or a stale socket of a stopped scheduler: the Java client runs it locally
    request = invocation(args, tz)
    try:
        connection.sendall(request)
        while True:
            kind, length = struct.unpack(">Bi", read_exactly(connection, 5))
            if kind == EXIT:
                return struct.unpack(">i", read_exactly(connection, 4))[0]
            target = sys.stdout.buffer if kind == OUT else sys.stderr.buffer
            target.write(read_exactly(connection, length))
            target.flush()
    except Exception as e:  # sent: it may have run, so it must never run again through the Java client
        sys.stderr.write("labq: the scheduler at %s stopped answering (%s); check `labq stat`, then retry\n" % (path, e))
        return STORAGE
    finally:
        connection.close()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception:  # anything unforeseen before the command was sent: let the Java client run it
        sys.exit(NOT_SERVED)
