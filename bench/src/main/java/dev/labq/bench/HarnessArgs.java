package dev.labq.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --name value} arguments of one harness. Every problem is a {@link UsageException} whose message
 * is one line naming the argument, the value given and what to give instead; its hint is the harness's usage.
 */
final class HarnessArgs {
    private final Map<String, String> values;
    private final String usage;

    private HarnessArgs(Map<String, String> values, String usage) {
        this.values = values;
        this.usage = usage;
    }

    /** Reads {@code args} as pairs; {@code known} are the argument names the harness takes. */
    static HarnessArgs parse(List<String> args, String usage, List<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!known.contains(name)) {
                throw new UsageException("unknown argument " + name + "; use one of " + String.join(", ", known), usage);
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(name + " has no value; give " + name + " VALUE as the usage below shows", usage);
            }
            values.put(name, args.get(i + 1));
        }
        return new HarnessArgs(values, usage);
    }

    /** A whole number of at least {@code min}, or {@code fallback} when not given. */
    int wholeNumber(String name, int fallback, int min) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        return checkedWholeNumber(name, text, min);
    }

    /** A comma-separated list of whole numbers, each at least {@code min}, or {@code fallback}. */
    List<Integer> wholeNumbers(String name, List<Integer> fallback, int min) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        List<Integer> numbers = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            numbers.add(checkedWholeNumber(name, part.trim(), min));
        }
        return List.copyOf(numbers);
    }

    /** A decimal number greater than 0, or {@code fallback}. */
    double positiveDecimal(String name, double fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + "=" + text + " is not a number; give one such as 0.5", usage);
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UsageException(name + "=" + text + " must be a number above 0, such as 0.5", usage);
        }
        return value;
    }

    /** A whole number (a seed, any sign), or {@code fallback}. */
    long longNumber(String name, long fallback) {
        String text = values.get(name);
        try {
            return text == null ? fallback : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + "=" + text + " is not a whole number; give one such as 42", usage);
        }
    }

    /**
     * One of the constants of {@code fallback}'s enum, given in lower case ({@code --estimate runtime} for
     * {@code RUNTIME}), or {@code fallback} when not given.
     */
    <E extends Enum<E>> E choice(String name, E fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : fallback.getDeclaringClass().getEnumConstants()) {
            String key = constant.name().toLowerCase(Locale.ROOT);
            if (key.equals(text)) {
                return constant;
            }
            allowed.add(key);
        }
        throw new UsageException(name + "=" + text + " is not one of " + String.join(", ", allowed), usage);
    }

    /** A file or directory path, or {@code fallback}; whether it exists is the harness's to check. */
    Path path(String name, Path fallback) {
        String text = values.get(name);
        return text == null ? fallback : Path.of(text);
    }

    /** The repository root bench/run passes as -Dlabq.root; the working directory otherwise. */
    static Path root() {
        return Path.of(System.getProperty("labq.root", "")).toAbsolutePath();
    }

    private int checkedWholeNumber(String name, String text, int min) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(name + "=" + text + " is not a whole number; give one of " + min + " or more", usage);
        }
        if (value < min) {
            throw new UsageException(name + "=" + text + " must be " + min + " or more", usage);
        }
        return value;
    }
}
