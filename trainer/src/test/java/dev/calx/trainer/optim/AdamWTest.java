package dev.calx.trainer.optim;

import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AdamWTest {
    private static Param param(String name, float... values) {
        float[] g = new float[values.length];
        java.util.Arrays.fill(g, 0.5f);
        return new Param(name, Tensor.wrap(values.clone(), new int[]{values.length}), Tensor.wrap(g, new int[]{values.length}));
    }

    @Test
    void aStateOfTheWrongSizeFailsBeforeAnyParameterOrTheStepCountChanges() {
        AdamW opt = new AdamW(AdamW.Config.of(0.1));
        Param a = param("a", 1, 2, 3), b = param("b", 4, 5);
        // restored state: a is fine, b's moments have 3 elements but the parameter has 2
        opt.restore(7, Map.of("a", new AdamW.Moments(new float[3], new float[3]), "b", new AdamW.Moments(new float[3], new float[3])));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.update(List.of(a, b), 0.01));
        assertTrue(e.getMessage().contains("b") && e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
        assertEquals(7, opt.step(), "the step count did not move");
        assertArrayEquals(new float[]{1, 2, 3}, a.value().toArray(), 0f, "a was not updated");
        assertArrayEquals(new float[3], opt.state().get("a").m(), 0f, "a's moments were not updated");
    }

    @Test
    void aSecondMomentOfTheWrongSizeIsCaughtToo() {
        AdamW opt = new AdamW(AdamW.Config.of(0));
        Param a = param("a", 1, 2);
        opt.restore(1, Map.of("a", new AdamW.Moments(new float[2], new float[5])));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> opt.update(List.of(a), 0.01));
        assertTrue(e.getMessage().contains("exp_avg_sq") && e.getMessage().contains("5"), e.getMessage());
        assertEquals(1, opt.step());
    }
}
