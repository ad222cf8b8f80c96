package dev.calx.examples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockGradientTest {
    @Test
    void everyParameterOfTheBlockHasAGradientThatMatchesFiniteDifferences() throws Exception {
        String out = Stdout.of(() -> BlockGradient.main(new String[0]));
        assertTrue(out.startsWith("loss "), out);
        for (String p : new String[]{"input_layernorm", "q_proj", "k_proj", "v_proj", "o_proj", "post_attention_layernorm",
                "gate_proj", "up_proj", "down_proj"}) {
            assertTrue(out.contains("  " + p + ": ok, "), p + " missing or failed in:\n" + out);
        }
        assertFalse(out.contains("FAILED"), out);
        assertEquals(10, out.lines().count(), out);
    }
}
