package dev.labq.core.time;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettableClockTest {

    @Test
    void movesOnlyWhenTold() {
        SettableClock clock = new SettableClock(1_000);
        assertEquals(1_000, clock.millis());
        assertEquals(1_000, clock.millis());
        clock.advance(250);
        assertEquals(1_250, clock.millis());
        clock.advance(-50);
        assertEquals(1_200, clock.millis());
        clock.set(5);
        assertEquals(5, clock.millis());
    }

    @Test
    void systemClockIsOneSharedInstanceReadingTheWallClock() {
        assertSame(Clock.system(), Clock.system());
        long before = System.currentTimeMillis();
        long now = Clock.system().millis();
        long after = System.currentTimeMillis();
        assertTrue(before <= now && now <= after, before + " <= " + now + " <= " + after);
    }

    @Test
    void anyLambdaIsAClock() {
        Clock fixed = () -> 42;
        assertEquals(42, fixed.millis());
    }
}
