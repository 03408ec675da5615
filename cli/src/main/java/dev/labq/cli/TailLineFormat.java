package dev.labq.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A journal entry as `labq tail` shows it to a person, one line:
 * {@code 12  2026-12-03T18:00:01Z  Dispatched        job=3 attempt=1 cpus=1 mem=256M gpus=[0] policy=labq}.
 *
 * <p>Built from the entry's JSON ({@code {"index","type","time","event"}}) and nothing else, so an event
 * type added later prints without a change here: the event's fields become {@code key=value}, nested
 * objects are flattened into their fields, and the names and units follow `labq submit`'s options
 * ({@code mem}, {@code gpus}, {@code time}, {@code deadline}). What only adds noise is left out: nulls,
 * {@code false}, empty lists, the job's environment and working directory, a priority's factors.
 * {@code --json} prints everything.
 */
final class TailLineFormat {
    /** Wide enough for every type name the journal has now ({@code SchedulerStarted}). */
    private static final int TYPE_WIDTH = 16;

    /**
     * Fields whose values are long and rarely what someone scanning the journal looks for; a pipeline's
     * {@code jobs} submitted together (thousands, for a pipeline) show as their count.
     */
    private static final Set<String> LEFT_OUT = Set.of("env", "factors", "workdir", "jobs");

    /** Field names as a user types them to `labq submit`. */
    private static final Map<String, String> NAMES = Map.of(
            "gpuIds", "gpus",
            "memoryMb", "mem",
            "timeLimitSeconds", "time");

    /** Values every job has unless told otherwise. */
    private static final Map<String, String> DEFAULTS = Map.of("kind", "PROCESS");

    /** Text that needs no quotes as a value: no spaces, quotes, '=' or brackets. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,-]+");
    /** A command-line word a shell takes as it is. */
    private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+,=-]+");

    private TailLineFormat() {
    }

    /** One entry as a line, without the line break. */
    static String format(JsonNode entry) {
        StringBuilder line = new StringBuilder(128);
        line.append(entry.path("index").asText("?")).append("  ")
                .append(seconds(entry.path("time").asText(""))).append("  ");
        String type = entry.path("type").asText("?");
        line.append(type);
        JsonNode event = entry.path("event");
        List<String> fields = new ArrayList<>();
        JsonNode job = event.path("job");
        if (!job.isMissingNode() && !job.isNull()) {
            fields.add("job=" + job.asText());
        }
        if (event.path("jobs").isArray()) {
            fields.add("jobs=" + event.path("jobs").size());
        }
        List<String> argv = new ArrayList<>();
        fields(event, fields, argv, true);
        if (!argv.isEmpty()) {
            fields.add("--");
            fields.addAll(argv);
        }
        if (!fields.isEmpty()) {
            line.append(" ".repeat(Math.max(2, TYPE_WIDTH + 2 - type.length()))).append(String.join(" ", fields));
        }
        return line.toString();
    }

    private static void fields(JsonNode object, List<String> out, List<String> argv, boolean top) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if ((top && key.equals("job")) || LEFT_OUT.contains(key) || quiet(value)
                    || value.asText().equals(DEFAULTS.get(key))) {
                continue;
            }
            if (key.equals("argv") && value.isArray()) {
                value.forEach(arg -> argv.add(shellWord(arg.asText())));
            } else if (value.isObject()) {
                fields(value, out, argv, false);
            } else {
                out.add(pair(key, value));
            }
        }
    }

    /** Nothing worth a column: null, false, an empty string, list or object. */
    private static boolean quiet(JsonNode value) {
        return value.isNull() || (value.isBoolean() && !value.booleanValue())
                || (value.isTextual() && value.textValue().isEmpty())
                || (value.isContainerNode() && value.isEmpty());
    }

    private static String pair(String key, JsonNode value) {
        String name = NAMES.getOrDefault(key, key);
        if (value.isIntegralNumber() && key.endsWith("Millis")) {
            return strip(name, "Millis") + "=" + Instant.ofEpochMilli(value.longValue()).truncatedTo(ChronoUnit.SECONDS);
        }
        if (value.isIntegralNumber() && key.endsWith("Seconds")) {
            return strip(name, "Seconds") + "=" + duration(value.longValue());
        }
        if (value.isIntegralNumber() && key.endsWith("Mb")) {
            return strip(name, "Mb") + "=" + value.asText() + "M";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(scalar(item)));
            return name + "=[" + String.join(",", items) + "]";
        }
        return name + "=" + scalar(value);
    }

    /** {@code deadlineMillis} is a {@code deadline}; a name that is only the unit stays as it is. */
    private static String strip(String name, String unit) {
        return name.endsWith(unit) && name.length() > unit.length() ? name.substring(0, name.length() - unit.length()) : name;
    }

    private static String scalar(JsonNode value) {
        if (!value.isTextual()) {
            return value.toString(); // numbers and booleans as they are; anything else as compact JSON
        }
        String text = value.textValue();
        return PLAIN.matcher(text).matches() ? text : value.toString(); // JSON-quoted: spaces, '=', quotes
    }

    /** Seconds as `labq submit --time` takes them back: M:SS, H:MM:SS or D-HH:MM:SS. */
    static String duration(long seconds) {
        long d = seconds / 86_400;
        long h = seconds / 3_600 % 24;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        if (d > 0) {
            return String.format("%d-%02d:%02d:%02d", d, h, m, s);
        }
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
    }

    /** A command-line word as a shell would need it typed. */
    static String shellWord(String word) {
        return SHELL_PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** The entry's time to the second: every line's columns then line up. */
    private static String seconds(String time) {
        try {
            return Instant.parse(time).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return time;
        }
    }
}
