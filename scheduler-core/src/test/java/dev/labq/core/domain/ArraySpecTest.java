package dev.labq.core.domain;

import dev.labq.core.event.EventCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slurm's {@code --array} syntax: which indices, in which order, and every malformed value refused with its fix. */
class ArraySpecTest {
    private static List<Integer> indices(ArraySpec array) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(array.indexAt(i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "0-4;        0 1 2 3 4;   0-4",
            "'1,3,5-7';  1 3 5 6 7;   '1,3,5-7'",
            "0-15:4;     0 4 8 12;    0-12:4",          // the last index is one of the steps
            "0-14:4;     0 4 8 12;    0-12:4",
            "'9,2-3';    2 3 9;       '2-3,9'",         // kept ascending
            "7;          7;           7",
            "' 0-2%2 ';  0 1 2;       0-2%2",
    })
    void readsEachFormInAscendingOrder(String text, String expected, String canonical) {
        ArraySpec array = ArraySpec.parse(text);
        List<Integer> want = new ArrayList<>();
        for (String n : expected.trim().split(" +")) {
            want.add(Integer.parseInt(n));
        }
        assertEquals(want, indices(array));
        assertEquals(canonical, array.toString());
        assertEquals(array, ArraySpec.parse(array.toString()), "the canonical text reads back the same");
        assertEquals(want.get(0), array.min());
        assertEquals(want.get(want.size() - 1), array.max());
    }

    @Test
    void theRunningLimitFollowsThePercentSign() {
        assertEquals(50, ArraySpec.parse("0-999%50").maxRunning());
        assertEquals(0, ArraySpec.parse("0-999").maxRunning(), "no limit");
        assertEquals(1000, ArraySpec.parse("0-999%50").size());
    }

    @Test
    void positionOfIsTheInverseOfIndexAtAndMinusOneOffTheArray() {
        ArraySpec array = ArraySpec.parse("1,3,10-20:5,30-31");
        for (int i = 0; i < array.size(); i++) {
            assertEquals(i, array.positionOf(array.indexAt(i)));
        }
        for (int missing : new int[]{0, 2, 11, 19, 29, 32, 1000}) {
            assertEquals(-1, array.positionOf(missing), "index " + missing);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> array.indexAt(array.size()));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = ';', value = {
            "5-1;              ends before it starts; write 1-5",
            "0-10%0;           at least 1",
            "0-10%x;           not a whole number",
            "0-15:0;           step after : must be at least 1",
            "'1,,3';           between commas",
            "%5;               empty entry (before %",
            "'0-5,3-8';        overlap",
            "'2,2';            overlap",
            "a-b;              not a whole number",
            "-3;               from 0 to",
            "0-200000000;      from 0 to",
            "0-1000000;        at most 1000000",
            "'';               START-END",
    })
    void refusesMalformedArraysNamingTheFix(String text, String fix) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ArraySpec.parse(text));
        assertEquals("array", e.field());
        assertTrue(e.getMessage().contains(fix), e.getMessage());
    }

    @Test
    void anArrayWithoutRangesIsRefused() {
        assertThrows(InvalidInputException.class, () -> new ArraySpec(List.of(), 0));
        assertThrows(InvalidInputException.class, () -> ArraySpec.parse(null));
    }

    @Test
    void aTaskIsWrittenAsSlurmWritesItAndOnlyTheFirstCarriesTheIndices() {
        ArraySpec array = ArraySpec.parse("1,3,5-9%2");
        ArrayTask third = ArrayTask.of(12, 2, array);
        assertEquals("12_5", third.label());
        assertEquals(7, third.taskCount());
        assertEquals(1, third.minTask());
        assertEquals(9, third.maxTask());
        assertEquals("%2", third.limitText());
        assertTrue(third.limited());
        assertEquals(null, third.indices(), "a long list is stored once");
        assertEquals(array, ArrayTask.of(12, 0, array).indices());
        assertEquals("", ArrayTask.of(12, 0, ArraySpec.parse("0-3")).limitText());
    }

    @Test
    void jsonCarriesTheCanonicalText() throws Exception {
        ArrayTask task = ArrayTask.of(12, 0, ArraySpec.parse("0-5:1,9%2"));
        String json = EventCodec.Json.mapper().writeValueAsString(task);
        assertTrue(json.contains("\"indices\":\"0-5,9%2\""), json);
        assertEquals(task, EventCodec.Json.mapper().readValue(json, ArrayTask.class));
        String later = EventCodec.Json.mapper().writeValueAsString(ArrayTask.of(12, 3, ArraySpec.parse("0-5:1,9%2")));
        assertTrue(!later.contains("indices"), later);
    }

    @Test
    void manyRangesConvertBothWaysAndTooLongAListIsRefused() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            text.append(i == 0 ? "" : ",").append(i * 3);
        }
        ArraySpec array = ArraySpec.parse(text.toString());
        assertEquals(600, array.size());
        for (int position = 0; position < 600; position++) {
            assertEquals(position * 3, array.indexAt(position));
            assertEquals(position, array.positionOf(position * 3));
            assertEquals(-1, array.positionOf(position * 3 + 1));
        }
        for (int i = 600; i < 2000; i++) {
            text.append(',').append(i * 3);
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ArraySpec.parse(text.toString()));
        assertTrue(e.getMessage().contains("write at most 4096") && e.getMessage().contains("split it"), e.getMessage());
        assertEquals(ArraySpec.parse("0-3%2").hashCode(), ArraySpec.parse("0-3%2").hashCode());
        assertTrue(!ArraySpec.parse("0-3%2").equals(ArraySpec.parse("0-3")) && !ArraySpec.parse("0-3").equals("0-3"));
    }
}
