package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The task indices of a job array and how many of its tasks may run at once, in Slurm's {@code --array}
 * syntax: {@code 0-999}, {@code 1,3,5-9}, {@code 0-15:4} (every fourth), each optionally ending in
 * {@code %N} (at most N running). Indices are kept in ascending order, so task {@code i} of the array is
 * the i-th smallest index and gets the array's {@code i}-th job id.
 *
 * @param ranges     ascending, non-overlapping runs of indices
 * @param maxRunning at most this many tasks run at once; 0 for no limit
 */
public record ArraySpec(List<Range> ranges, int maxRunning) {
    /** The most tasks one array may have (Slurm's MaxArraySize is configurable; this is labq's). */
    public static final int MAX_TASKS = 1_000_000;
    /** The largest index a task may have. */
    public static final int MAX_INDEX = 100_000_000;
    private static final String FORM = "use START-END[:STEP], lists like 1,3,5-9, and optionally %MAX_RUNNING, e.g. 0-999%50";

    /** The indices {@code first}, {@code first + step}, ... up to {@code last} (which is one of them). */
    public record Range(int first, int last, int step) {
        int count() {
            return (last - first) / step + 1;
        }
    }

    public ArraySpec {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new InvalidInputException("array", "(none)", FORM);
        }
    }

    /** Parses Slurm's {@code --array} value; a bad one names what is wrong with it. */
    @JsonCreator
    public static ArraySpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("array", "''", FORM);
        }
        String body = text.strip();
        int maxRunning = 0;
        int percent = body.indexOf('%');
        if (percent >= 0) {
            maxRunning = number(text, body.substring(percent + 1), "the running limit after %");
            if (maxRunning < 1) {
                throw new InvalidInputException("array", text, "the running limit after % must be at least 1, e.g. 0-999%50");
            }
            body = body.substring(0, percent);
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : body.split(",", -1)) {
            ranges.add(range(text, part.strip()));
        }
        ranges.sort(Comparator.comparingInt(Range::first));
        long tasks = 0;
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0 && ranges.get(i).first() <= ranges.get(i - 1).last()) {
                throw new InvalidInputException("array", text, "ranges " + show(ranges.get(i - 1)) + " and "
                        + show(ranges.get(i)) + " overlap; give each index once");
            }
            tasks += ranges.get(i).count();
        }
        if (tasks > MAX_TASKS) {
            throw new InvalidInputException("array", text, "that is " + tasks + " tasks; an array holds at most "
                    + MAX_TASKS + ", so split it");
        }
        return new ArraySpec(ranges, maxRunning);
    }

    private static Range range(String text, String part) {
        if (part.isEmpty()) {
            throw new InvalidInputException("array", text, "an empty entry between commas; " + FORM);
        }
        int step = 1;
        int colon = part.indexOf(':');
        String span = part;
        if (colon >= 0) {
            step = number(text, part.substring(colon + 1), "the step after :");
            if (step < 1) {
                throw new InvalidInputException("array", text, "the step after : must be at least 1, e.g. 0-15:4");
            }
            span = part.substring(0, colon);
        }
        int dash = span.indexOf('-', 1);
        int first = number(text, dash < 0 ? span : span.substring(0, dash), "an index");
        int last = dash < 0 ? first : number(text, span.substring(dash + 1), "an index");
        if (last < first) {
            throw new InvalidInputException("array", text, "the range " + span + " ends before it starts; write "
                    + last + "-" + first);
        }
        return new Range(first, first + (last - first) / step * step, step);
    }

    private static int number(String text, String digits, String what) {
        try {
            int n = Integer.parseInt(digits.strip());
            if (n < 0 || n > MAX_INDEX) {
                throw new InvalidInputException("array", text, what + " must be from 0 to " + MAX_INDEX);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("array", text, "'" + digits + "' is not a whole number (" + what + "); " + FORM);
        }
    }

    /** How many tasks the array has. */
    public int size() {
        int n = 0;
        for (Range r : ranges) {
            n += r.count();
        }
        return n;
    }

    /** The index of task {@code position} (0-based, in ascending order). */
    public int indexAt(int position) {
        int rest = position;
        for (Range r : ranges) {
            if (rest < r.count()) {
                return r.first() + rest * r.step();
            }
            rest -= r.count();
        }
        throw new IndexOutOfBoundsException("task " + position + " of an array of " + size());
    }

    /** The position of index {@code index} among the tasks, or -1 when the array has no such index. */
    public int positionOf(int index) {
        int before = 0;
        for (Range r : ranges) {
            if (index >= r.first() && index <= r.last()) {
                return (index - r.first()) % r.step() == 0 ? before + (index - r.first()) / r.step() : -1;
            }
            before += r.count();
        }
        return -1;
    }

    public int min() {
        return ranges.get(0).first();
    }

    public int max() {
        return ranges.get(ranges.size() - 1).last();
    }

    /** The canonical text, as Slurm prints an array: {@code 0-999%50}. */
    @JsonValue
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Range r : ranges) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(show(r));
        }
        if (maxRunning > 0) {
            out.append('%').append(maxRunning);
        }
        return out.toString();
    }

    private static String show(Range r) {
        if (r.first() == r.last()) {
            return Integer.toString(r.first());
        }
        return r.first() + "-" + r.last() + (r.step() == 1 ? "" : ":" + r.step());
    }
}
