package dev.labq.core.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The task indices of a job array and how many of its tasks may run at once, in Slurm's {@code --array}
 * syntax: {@code 0-999}, {@code 1,3,5-9}, {@code 0-15:4} (every fourth), each optionally ending in
 * {@code %N} (at most N running). Indices are kept in ascending order, so task {@code i} of the array is
 * the i-th smallest index and gets the array's {@code i}-th job id.
 *
 * <p>Immutable. Positions and indices convert both ways in O(log ranges): an entry of a million tasks folds
 * in one pass. The canonical text is at most {@value #MAX_TEXT} characters (a list of that many is better
 * split), so that the array's first task, which carries it, stays a small view entry.
 */
public final class ArraySpec {
    /** The most tasks one array may have (Slurm's MaxArraySize is configurable; this is labq's). */
    public static final int MAX_TASKS = 1_000_000;
    /** The largest index a task may have. */
    public static final int MAX_INDEX = 100_000_000;
    /** The longest canonical text an array may have. */
    public static final int MAX_TEXT = 4096;
    private static final String FORM = "use START-END[:STEP], lists like 1,3,5-9, and optionally %MAX_RUNNING, e.g. 0-999%50";

    /** The indices {@code first}, {@code first + step}, ... up to {@code last} (which is one of them). */
    public record Range(int first, int last, int step) {
        int count() {
            return (last - first) / step + 1;
        }
    }

    /** Ascending, non-overlapping runs of indices. */
    private final List<Range> ranges;
    /** At most this many tasks run at once; 0 for no limit. */
    private final int maxRunning;
    /** {@code before[r]}: how many tasks the ranges before range r hold; the last entry is the size. */
    private final int[] before;
    private final int[] firsts;

    public ArraySpec(List<Range> ranges, int maxRunning) {
        this.ranges = List.copyOf(ranges);
        this.maxRunning = maxRunning;
        if (this.ranges.isEmpty()) {
            throw new InvalidInputException("array", "(none)", FORM);
        }
        before = new int[this.ranges.size() + 1];
        firsts = new int[this.ranges.size()];
        for (int r = 0; r < this.ranges.size(); r++) {
            before[r + 1] = before[r] + this.ranges.get(r).count();
            firsts[r] = this.ranges.get(r).first();
        }
    }

    public List<Range> ranges() {
        return ranges;
    }

    public int maxRunning() {
        return maxRunning;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArraySpec a && a.maxRunning == maxRunning && a.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode() * 31 + maxRunning;
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
        ArraySpec array = new ArraySpec(ranges, maxRunning);
        if (array.toString().length() > MAX_TEXT) {
            throw new InvalidInputException("array", text.length() > 60 ? text.substring(0, 60) + "..." : text,
                    "that list is " + array.toString().length() + " characters; write at most " + MAX_TEXT
                            + " (use ranges such as 0-999 or :step), or split it into arrays");
        }
        return array;
    }

    private static Range range(String text, String part) {
        if (part.isEmpty()) {
            throw new InvalidInputException("array", text, "an empty entry (before %, or between commas); " + FORM);
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
        return before[ranges.size()];
    }

    /** The index of task {@code position} (0-based, in ascending order). */
    public int indexAt(int position) {
        if (position < 0 || position >= size()) {
            throw new IndexOutOfBoundsException("task " + position + " of an array of " + size());
        }
        int r = Arrays.binarySearch(before, 0, ranges.size(), position);
        r = r >= 0 ? r : -r - 2; // the range whose first position is the last at or before it (each holds a task)
        Range range = ranges.get(r);
        return range.first() + (position - before[r]) * range.step();
    }

    /** The position of index {@code index} among the tasks, or -1 when the array has no such index. */
    public int positionOf(int index) {
        int r = Arrays.binarySearch(firsts, index);
        r = r >= 0 ? r : -r - 2; // the last range starting at or before the index
        if (r < 0) {
            return -1;
        }
        Range range = ranges.get(r);
        if (index > range.last() || (index - range.first()) % range.step() != 0) {
            return -1;
        }
        return before[r] + (index - range.first()) / range.step();
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
