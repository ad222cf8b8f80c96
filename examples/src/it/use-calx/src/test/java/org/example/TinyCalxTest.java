package org.example;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TinyCalxTest {
    @Test
    void theInstalledArtifactsLoadAndRun() {
        int[] a = TinyCalx.generate(5), b = TinyCalx.generate(5);
        assertEquals(5, a.length);
        assertArrayEquals(a, b); // greedy is deterministic
        for (int t : a) assertTrue(t >= 0 && t < 50);
        assertTrue(TinyCalx.sameAnswer("\\frac{1}{2}", "0.5"));
        assertFalse(TinyCalx.sameAnswer("3", "4"));
    }
}
