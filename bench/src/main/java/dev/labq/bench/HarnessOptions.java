package dev.labq.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A harness's {@code --name value} arguments, checked against the names it takes; bad ones are usage errors. */
final class HarnessOptions {
    private final Map<String, String> values = new HashMap<>();
    private final String usage;

    HarnessOptions(List<String> args, String usage, Set<String> names) {
        this.usage = usage;
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!names.contains(name)) {
                throw new UsageException("unknown option " + name, usage);
            }
            if (i + 1 >= args.size()) {
                throw new UsageException("missing value for " + name, usage);
            }
            values.put(name, args.get(i + 1));
        }
    }

    String text(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    int positiveInt(String name, int otherwise) {
        String value = values.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(name + " " + value + ": not a positive whole number", usage);
    }

    long longValue(String name, long otherwise) {
        String value = values.get(name);
        try {
            return value == null ? otherwise : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " " + value + ": not a whole number", usage);
        }
    }

    Path path(String name, Path otherwise) {
        String value = values.get(name);
        return value == null ? otherwise : Path.of(value);
    }

    /** The repository root bench/run passes as -Dlabq.root; the working directory otherwise. */
    static Path root() {
        return Path.of(System.getProperty("labq.root", "")).toAbsolutePath();
    }
}
