package dev.calx.llama.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every checkpoint written by tools/llama_fixtures.py (PyTorch reference forward, formats
 * written by hand in Python) loads and gives the reference logits at every position, both
 * decoding token by token and prefilling the whole sequence at once.
 */
public class FixtureLogitsTest {
    static final double RTOL = 1e-4;

    public static Path fixtures() {
        try {
            return Path.of(FixtureLogitsTest.class.getResource("/fixtures/fixtures.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode index() throws IOException {
        return new ObjectMapper().readTree(fixtures().resolve("fixtures.json").toFile());
    }

    static float[][] logits(JsonNode fx) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(fixtures().resolve(fx.get("logits").asText()))).order(ByteOrder.LITTLE_ENDIAN);
        int t = fx.get("shape").get(0).asInt(), v = fx.get("shape").get(1).asInt();
        float[][] r = new float[t][v];
        for (float[] row : r) for (int i = 0; i < v; i++) row[i] = b.getFloat();
        return r;
    }

    static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": vocabulary size");
        for (int i = 0; i < want.length; i++) {
            double tol = RTOL * Math.max(1.0, Math.abs(want[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + ": logit " + i + " expected " + want[i] + " got " + got[i]);
        }
    }

    @TestFactory
    List<DynamicTest> everyFixtureGivesPyTorchLogits() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode fx : index()) {
            String name = fx.get("model").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                int[] tokens = new int[fx.get("tokens").size()];
                for (int i = 0; i < tokens.length; i++) tokens[i] = fx.get("tokens").get(i).asInt();
                float[][] want = logits(fx);
                try (LlamaModel m = LlamaModel.load(fixtures().resolve(name))) {
                    JsonNode c = fx.get("config");
                    LlamaConfig cfg = m.config();
                    assertEquals(c.get("hidden_size").asInt(), cfg.hiddenSize());
                    assertEquals(c.get("num_key_value_heads").asInt(), cfg.numKeyValueHeads());
                    assertEquals(c.get("tie_word_embeddings").asBoolean(), cfg.tieWordEmbeddings());
                    assertEquals(c.get("max_position_embeddings").asInt(), cfg.maxPositionEmbeddings());
                    if (!fx.get("format").asText().equals("llama2c")) {
                        assertEquals((float) c.get("rope_theta").asDouble(), cfg.ropeTheta());
                        assertEquals((float) c.get("rms_norm_eps").asDouble(), cfg.rmsNormEps());
                    }
                    try (InferenceSession s = m.newSession()) {
                        for (int i = 0; i < tokens.length; i++) assertClose(want[i], s.append(tokens[i]), name + " decode position " + i);
                    }
                    try (InferenceSession s = m.newSession()) {
                        assertClose(want[tokens.length - 1], s.append(tokens), name + " prefill of " + tokens.length);
                    }
                    try (InferenceSession s = m.newSession()) {
                        int half = tokens.length / 2;
                        assertClose(want[half - 1], s.append(Arrays.copyOf(tokens, half)), name + " prefill of " + half);
                        assertClose(want[tokens.length - 1], s.append(Arrays.copyOfRange(tokens, half, tokens.length)),
                                name + " second prefill");
                    }
                }
            }));
        }
        assertEquals(7, tests.size(), "fixtures.json lists every format");
        return tests;
    }
}
