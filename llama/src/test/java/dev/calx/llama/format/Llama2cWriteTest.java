package dev.calx.llama.format;

import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama2.c has no fields for rms_norm_eps or rope_theta: other values are refused, not silently lost. */
class Llama2cWriteTest {
    @TempDir
    Path tmp;

    static LlamaConfig config(float eps, float theta) {
        return new LlamaConfig(64, 96, 2, 4, 1, 40, eps, theta, 16, false, 1, 2);
    }

    @Test
    void aNonDefaultEpsOrThetaIsRefusedNamingTheFieldAndNothingIsWritten() throws IOException {
        for (int version = 0; version <= 2; version++) {
            for (boolean eps : new boolean[]{true, false}) {
                LlamaWeights w = LlamaWeights.random(eps ? config(1e-6f, 10000f) : config(1e-5f, 500000f), DType.F32, 2);
                Path out = tmp.resolve("v" + version + (eps ? "eps" : "theta") + ".bin");
                int v = version;
                var e = assertThrows(IllegalArgumentException.class, () -> Llama2c.write(w, out, v));
                String m = e.getMessage();
                assertTrue(m.contains(eps ? "rms_norm_eps" : "rope_theta") && m.contains(eps ? "1.0E-6" : "500000")
                        && m.contains("version " + version) && m.contains("Hugging Face"), m);
                assertFalse(Files.exists(out), "nothing written: " + out);
                try (var s = Files.list(tmp)) {
                    assertEquals(0, s.count(), "no temporary file left");
                }
            }
        }
        LlamaWeights w = LlamaWeights.random(config(1e-5f, 500000f), DType.F32, 2);
        assertThrows(IllegalArgumentException.class, () -> Llama2c.writeV2(w, tmp.resolve("q.bin"), 32));
        assertFalse(Files.exists(tmp.resolve("q.bin")));
    }

    @Test
    void theDefaultsAreWrittenAndReadBack() throws IOException {
        LlamaConfig c = config(1e-5f, 10000f);
        for (int version = 0; version <= 2; version++) {
            Path out = tmp.resolve("ok" + version + ".bin");
            Llama2c.write(LlamaWeights.random(c, DType.F32, 2), out, version);
            try (LlamaModel m = LlamaModel.load(out)) {
                assertEquals(c, m.config());
            }
        }
    }
}
