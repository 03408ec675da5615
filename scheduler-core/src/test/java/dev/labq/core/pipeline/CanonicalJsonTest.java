package dev.labq.core.pipeline;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CanonicalJsonTest {

    @Test
    void equalNumbersWrittenDifferentlyAreOneValue() {
        assertEquals(1L, CanonicalJson.normalise(1, "c"));
        assertEquals(1L, CanonicalJson.normalise(1.0, "c"));
        assertEquals(1L, CanonicalJson.normalise(new BigDecimal("1.000"), "c"));
        assertEquals(1000L, CanonicalJson.normalise(new BigDecimal("1e3"), "c"));
        assertEquals(7L, CanonicalJson.normalise((short) 7, "c"));
        assertEquals(7L, CanonicalJson.normalise((byte) 7, "c"));
        assertEquals(0L, CanonicalJson.normalise(-0.0, "c"));
        assertEquals(new BigDecimal("0.95"), CanonicalJson.normalise(0.95, "c"));
        assertEquals(new BigDecimal("0.95"), CanonicalJson.normalise(new BigDecimal("0.9500"), "c"));
        assertEquals(new BigDecimal("0.1"), CanonicalJson.normalise(0.1f, "c"), "a float keeps its own shortest text");
        assertEquals(Long.MAX_VALUE, CanonicalJson.normalise(BigInteger.valueOf(Long.MAX_VALUE), "c"));
        assertEquals(new BigDecimal("9223372036854775808"), CanonicalJson.normalise(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), "c"));
        assertEquals(new BigDecimal("1E+30"), CanonicalJson.normalise(new BigDecimal("1000000000000000000000000000000"), "c"));
    }

    @Test
    void writesSortedCompactJsonWithMinimalEscapes() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", List.of(1, 2.50, "x"));
        inner.put("a", null);
        Map<String, Object> outer = new HashMap<>();
        outer.put("b", inner);
        outer.put("a", "q\"\\\b\f\n\r\t\u0001é");
        outer.put("c", true);
        outer.put("d", new BigDecimal("1.5E+30"));
        Object normal = CanonicalJson.normalise(outer, "config");
        assertEquals("{\"a\":\"q\\\"\\\\\\b\\f\\n\\r\\t\\u0001é\",\"b\":{\"a\":null,\"z\":[1,2.5,\"x\"]},\"c\":true,\"d\":1.5E+30}",
                CanonicalJson.write(normal));
        assertEquals(CanonicalJson.write(normal), CanonicalJson.write(outer), "write() sorts and normalises on its own too");
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        assertEquals("[null]", CanonicalJson.write(CanonicalJson.normalise(withNull, "c")));
        assertEquals("{}", CanonicalJson.write(CanonicalJson.normaliseMap(null, "c")));
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertEquals("invalid config.x=NaN: JSON numbers are finite; write the value as text",
                assertThrows(InvalidPipelineException.class, () -> CanonicalJson.normalise(Map.of("x", Double.NaN), "config")).getMessage());
        assertEquals("invalid config.x=Infinity: JSON numbers are finite; write the value as text",
                assertThrows(InvalidPipelineException.class, () -> CanonicalJson.normalise(Map.of("x", Float.POSITIVE_INFINITY), "config")).getMessage());
        assertEquals("invalid config=1: config keys are text",
                assertThrows(InvalidPipelineException.class, () -> CanonicalJson.normalise(Map.of(1, "x"), "config")).getMessage());
        assertEquals("invalid config[1]=x: config values are JSON: text, numbers, true/false, null, lists and maps (not Character)",
                assertThrows(InvalidPipelineException.class, () -> CanonicalJson.normalise(List.of("a", 'x'), "config")).getMessage());
        assertThrows(InvalidPipelineException.class, () -> CanonicalJson.write(List.of(new Object())));
    }
}
