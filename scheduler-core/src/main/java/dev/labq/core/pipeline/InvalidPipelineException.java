package dev.labq.core.pipeline;

import dev.labq.core.LabqException;
import dev.labq.core.domain.InvalidInputException;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A pipeline (file, builder or Landseer configuration) that labq refuses, as one line that names the place,
 * the field, the value and the fix:
 *
 * <pre>
 * defense.yaml line 14: workflow combo-1, task adv: invalid after=nope: name a task of workflow combo-1: outlier, adv
 * </pre>
 *
 * <p>Its kind is {@link Kind#INVALID_INPUT}, which the CLI maps to exit code 3. A rejection starts where it is
 * found (a task knows its own fields, a workflow its graph) and gains its context on the way out:
 * {@link #within} puts the enclosing key path and place in front, {@link #located} the file and line.
 */
public final class InvalidPipelineException extends LabqException {
    private final String source;
    private final int line;
    private final String path;
    private final String place;
    private final String field;
    private final String value;
    private final String fix;

    /**
     * @param path  where the value is in the document, as a key path ({@code workflows[0].tasks[1].after[0]}); it
     *              finds the line once the parser adds it; {@code ""} for the whole document
     * @param place the workflow and task in words ({@code workflow combo-1, task adv}), or {@code ""}
     * @param field the key people see ({@code after}, {@code resources.mem})
     * @param value the refused value; {@code null} reads as {@code (none)}
     * @param fix   what to do instead
     */
    public InvalidPipelineException(String path, String place, String field, Object value, String fix) {
        this(null, 0, path, place, field, render(value), fix);
    }

    private InvalidPipelineException(String source, int line, String path, String place, String field, String value,
                                     String fix) {
        super(Kind.INVALID_INPUT, message(source, line, place, field, value, fix));
        this.source = source;
        this.line = line;
        this.path = path == null ? "" : path;
        this.place = place == null ? "" : place;
        this.field = field;
        this.value = value;
        this.fix = fix;
    }

    /** The same rejection of a domain value ({@code Resources}, a time): its field named under {@code fieldPrefix}. */
    static InvalidPipelineException of(InvalidInputException e, String path, String place, String fieldPrefix) {
        return new InvalidPipelineException(path, place, fieldPrefix + e.field(), e.value(), e.fix());
    }

    /** The same rejection inside {@code pathPrefix} (a key path) and {@code placePrefix} (words such as {@code workflow w1}). */
    public InvalidPipelineException within(String pathPrefix, String placePrefix) {
        String p = pathPrefix.isEmpty() ? path
                : path.isEmpty() ? pathPrefix
                : pathPrefix + (path.startsWith("[") ? "" : ".") + path;
        String where = placePrefix.isEmpty() ? place : place.isEmpty() ? placePrefix : placePrefix + ", " + place;
        return new InvalidPipelineException(source, line, p, where, field, value, fix);
    }

    /** The same rejection found in {@code file} at {@code lineNumber} (0: line unknown). */
    public InvalidPipelineException located(String file, int lineNumber) {
        return new InvalidPipelineException(file, lineNumber, path, place, field, value, fix);
    }

    /** The file (or {@code --runner}, or another source) the rejected text came from, or {@code null}. */
    public String source() {
        return source;
    }

    /** The 1-based line in {@link #source()}, or 0 when unknown. */
    public int line() {
        return line;
    }

    public String path() {
        return path;
    }

    public String place() {
        return place;
    }

    public String field() {
        return field;
    }

    public String value() {
        return value;
    }

    public String fix() {
        return fix;
    }

    private static String message(String source, int line, String place, String field, String value, String fix) {
        StringBuilder m = new StringBuilder();
        if (source != null) {
            m.append(source);
            if (line > 0) {
                m.append(" line ").append(line);
            }
            m.append(": ");
        }
        if (place != null && !place.isEmpty()) {
            m.append(place).append(": ");
        }
        return m.append("invalid ").append(field).append('=').append(value).append(": ").append(fix).toString();
    }

    static String render(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(InvalidPipelineException::render).collect(Collectors.joining(", ", "[", "]"));
        }
        String text = value.toString();
        // Quoted when blank or padded, so that "name= :" cannot hide what was given.
        return text.isBlank() || !text.strip().equals(text) ? "'" + text + "'" : text;
    }
}
