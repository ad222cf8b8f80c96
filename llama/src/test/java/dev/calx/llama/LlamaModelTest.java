package dev.calx.llama;

import dev.calx.llama.format.FixtureLogitsTest;
import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LlamaModelTest {
    @Test
    void closingALoadedModelTwiceIsHarmless() throws IOException {
        for (String fixture : new String[]{"a_v1.bin", "a_hf_f32", "a_f16.gguf"}) {
            LlamaModel m = LlamaModel.load(FixtureLogitsTest.fixtures().resolve(fixture));
            m.close();
            assertDoesNotThrow(m::close, fixture + ": second close");
            // still unmapped: the weights are not readable after the first close
            assertThrows(IllegalStateException.class, () -> m.weights().embedTokens().segment().get(
                    java.lang.foreign.ValueLayout.JAVA_BYTE, 0), fixture);
        }
        LlamaModel mem = LlamaModel.of(LlamaWeights.random(LlamaBatchTest.GQA, DType.F32, 1));
        mem.close();
        assertDoesNotThrow(mem::close);
    }
}
