package dev.labq.core.pipeline;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task configs in one canonical form, so that equal configs hash equally however they were written.
 *
 * <p>{@link #normalise} turns a JSON-like value into: maps sorted by key (recursively, as unmodifiable
 * {@link TreeMap}s), unmodifiable lists, strings, booleans, {@code null}, and numbers as a {@link Long} when the
 * value is a whole number that fits, else a {@link BigDecimal} without trailing zeros. So {@code 1}, {@code 1.0}
 * and {@code 1e0} are all {@code 1L}, and {@code 0.950} is {@code 0.95}. {@link #write} prints such a value as
 * compact JSON: no spaces, keys in {@link String#compareTo} order, strings escaped only where JSON requires it
 * (plus {@code \b \f \n \r \t}, other control characters as {@code \}{@code u00XX}), whole numbers in decimal,
 * other numbers as {@link BigDecimal#toString()} ({@code 0.95}, {@code 1.5E+30}).
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    /**
     * The canonical form of {@code value}; {@link InvalidPipelineException} at {@code path} for what JSON cannot
     * hold (NaN, infinities, keys that are not text, other objects).
     */
    public static Object normalise(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new InvalidPipelineException(path, "", path, e.getKey(), "config keys are text");
                }
                sorted.put(key, normalise(e.getValue(), path + "." + key));
            }
            return Collections.unmodifiableMap(sorted);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(normalise(list.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return number(new BigDecimal(big));
        }
        if (value instanceof BigDecimal decimal) {
            return number(decimal);
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidPipelineException(path, "", path, value, "JSON numbers are finite; write the value as text");
            }
            // Float's own shortest text, so 0.1f stays 0.1 rather than 0.100000001490116...
            return number(new BigDecimal(value instanceof Float f ? Float.toString(f) : Double.toString(d)));
        }
        throw new InvalidPipelineException(path, "", path, value,
                "config values are JSON: text, numbers, true/false, null, lists and maps (not " + value.getClass().getSimpleName() + ")");
    }

    /** Normalises a map (a task's config): a map of the canonical form, sorted by key. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> normaliseMap(Map<String, ?> map, String path) {
        return (Map<String, Object>) normalise(map == null ? Map.of() : map, path);
    }

    private static Object number(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
            try {
                return stripped.longValueExact();
            } catch (ArithmeticException tooBig) {
                return stripped; // 19 digits beyond Long.MAX_VALUE
            }
        }
        return stripped;
    }

    /** The canonical JSON text of a value {@link #normalise normalised} before. */
    public static String write(Object normalised) {
        StringBuilder out = new StringBuilder();
        write(normalised, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean || value instanceof Long) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(d);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            // Sorted again here so that write() is canonical even for a map not normalised by this class.
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string((String) e.getKey(), out);
                out.append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            write(normalise(value, "value"), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
