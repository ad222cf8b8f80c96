package dev.calx.llama.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.llama.CheckpointException;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.llama.ModelInfo;
import dev.calx.tensor.DType;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * llama2.c version 2 (int8 groups, fp32 scales) against tools/llama2c_v2_fixture.py, which
 * quantizes in PyTorch from the format's description: bit-exact dequantized weights (CRC-32 of
 * every tensor), the dequantized model's logits, byte-identical rewriting, and corrupt files.
 */
class Llama2cV2Test {
    @TempDir
    Path tmp;

    static Path dir() {
        return FixtureLogitsTest.fixtures().resolve("llama2c_v2");
    }

    static JsonNode index() throws IOException {
        return new ObjectMapper().readTree(dir().resolve("fixtures.json").toFile());
    }

    static JsonNode fixture(String model) throws IOException {
        for (JsonNode fx : index()) if (fx.get("model").asText().equals(model)) return fx;
        throw new AssertionError("no fixture " + model);
    }

    static long crcOf(Object o) {
        float[] v;
        if (o instanceof WeightMatrix w) v = w.toTensor().toArray();
        else v = ((Tensor) o).toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        CRC32 crc = new CRC32();
        crc.update(b.array());
        return crc.getValue();
    }

    @Test
    void everyFixtureGivesTheDequantizedWeightsBitForBitAndTheReferenceLogits() throws IOException {
        int n = 0;
        for (JsonNode fx : index()) {
            String name = fx.get("model").asText();
            int[] tokens = new int[fx.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = fx.get("tokens").get(i).asInt();
            int t = fx.get("shape").get(0).asInt(), v = fx.get("shape").get(1).asInt();
            ByteBuffer lb = ByteBuffer.wrap(Files.readAllBytes(dir().resolve(fx.get("logits").asText()))).order(ByteOrder.LITTLE_ENDIAN);
            float[][] want = new float[t][v];
            for (float[] row : want) for (int i = 0; i < v; i++) row[i] = lb.getFloat();
            try (LlamaModel m = LlamaModel.load(dir().resolve(name))) {
                JsonNode c = fx.get("config");
                assertEquals(LlamaModel.Format.LLAMA2C, m.format());
                assertEquals(2, m.metadata().get("llama2c.version"));
                assertEquals(fx.get("group_size").asInt(), m.metadata().get("llama2c.group_size"));
                assertEquals(c.get("hidden_size").asInt(), m.config().hiddenSize());
                assertEquals(c.get("intermediate_size").asInt(), m.config().intermediateSize());
                assertEquals(c.get("num_key_value_heads").asInt(), m.config().numKeyValueHeads());
                assertEquals(c.get("tie_word_embeddings").asBoolean(), m.config().tieWordEmbeddings());
                Map<String, Object> named = m.weights().named();
                var crcs = fx.get("crc32_f32");
                assertEquals(named.size(), crcs.size(), name + ": tensors");
                for (var it = crcs.fields(); it.hasNext(); ) {
                    var e = it.next();
                    assertEquals(e.getValue().asLong(), crcOf(named.get(e.getKey())), name + ": fp32 bits of " + e.getKey());
                }
                // b's scales are fp16 values: kept as Q8_0 blocks; the others' are not: fp32
                DType storage = name.startsWith("b_") ? DType.Q8_0 : DType.F32;
                for (Object o : named.values()) {
                    if (o instanceof WeightMatrix w) assertEquals(storage, w.dtype(), name);
                }
                assertEquals(storage.name(), m.metadata().get("llama2c.storage"));
                try (InferenceSession s = m.newSession()) {
                    for (int i = 0; i < tokens.length; i++) FixtureLogitsTest.assertClose(want[i], s.append(tokens[i]), name + " position " + i);
                }
                try (InferenceSession s = m.newSession()) {
                    FixtureLogitsTest.assertClose(want[t - 1], s.append(tokens), name + " prefill");
                }
            }
            ModelInfo info = ModelInfo.of(dir().resolve(name));
            assertEquals(name.startsWith("b_") ? DType.Q8_0 : DType.F32, info.storageDType(), name + ": calx info storage");
            assertEquals(0, info.mappedWeightBytes(), "version 2 is copied at load, not mapped");
            n++;
        }
        assertEquals(3, n);
    }

    @Test
    void loadedModelsAreWrittenBackByteIdentically() throws IOException {
        for (String name : new String[]{"a_v2_gs64.bin", "b_v2_gs32.bin", "c_v2_gs32.bin"}) {
            Path out = tmp.resolve(name);
            try (LlamaModel m = LlamaModel.load(dir().resolve(name))) {
                // default group size: 32 when every matrix is Q8_0 (b), else 64 halved until it divides dim (a: 64, c: 32)
                Llama2c.write(m.weights(), out, 2);
            }
            assertArrayEquals(Files.readAllBytes(dir().resolve(name)), Files.readAllBytes(out), name);
        }
    }

    @Test
    void writerQuantizesArbitraryFloatsExactlyAsTheReferenceScript() throws IOException {
        JsonNode fx = fixture("c_v2_gs32.bin");
        Path out = tmp.resolve("c.bin");
        try (LlamaModel m = LlamaModel.load(dir().resolve(fx.get("unquantized_v1").asText()))) {
            assertEquals(1, m.metadata().get("llama2c.version"));
            Llama2c.writeV2(m.weights(), out, 32);
        }
        assertArrayEquals(Files.readAllBytes(dir().resolve("c_v2_gs32.bin")), Files.readAllBytes(out));
    }

    @Test
    void ggufQ8ModelsGoToVersion2AndBackWithoutChangingAWeight() throws IOException {
        Path out = tmp.resolve("b.bin");
        try (LlamaModel g = LlamaModel.load(FixtureLogitsTest.fixtures().resolve("b_q8_0.gguf"))) {
            // fixture b has rms_norm_eps 1e-6 and rope_theta 500000, which llama2.c cannot store
            var refused = assertThrows(IllegalArgumentException.class, () -> Llama2c.write(g.weights(), out, 2));
            assertTrue(refused.getMessage().contains("rms_norm_eps"), refused.getMessage());
            LlamaConfig c = g.config();
            LlamaConfig defaults = new LlamaConfig(c.hiddenSize(), c.intermediateSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                    c.numKeyValueHeads(), c.vocabSize(), 1e-5f, 10000f, c.maxPositionEmbeddings(), c.tieWordEmbeddings(),
                    c.bosTokenId(), c.eosTokenId());
            Llama2c.write(LlamaWeights.of(defaults, g.weights().named()), out, 2);
            try (LlamaModel m = LlamaModel.load(out)) {
                assertEquals(32, m.metadata().get("llama2c.group_size"));
                assertEquals(defaults, m.config());
                for (var e : g.weights().named().entrySet()) {
                    Object a = e.getValue(), b = m.weights().named().get(e.getKey());
                    if (a instanceof WeightMatrix wa) {
                        assertEquals(DType.Q8_0, ((WeightMatrix) b).dtype(), e.getKey());
                        assertEquals(-1, wa.segment().mismatch(((WeightMatrix) b).segment()), e.getKey() + ": Q8_0 bytes");
                    } else {
                        assertArrayEquals(((Tensor) a).toArray(), ((Tensor) b).toArray(), e.getKey());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ corrupt files

    Path copy(String name) throws IOException {
        Path p = tmp.resolve(name);
        Files.copy(dir().resolve(name), p);
        return p;
    }

    static void putInt(Path p, int offset, int value) throws IOException {
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        Files.write(p, b);
    }

    static String fails(Path p, String... mustContain) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> LlamaModel.load(p).close());
        assertTrue(e.getMessage().contains(p.getFileName().toString()), "names the file: " + e.getMessage());
        for (String s : mustContain) assertTrue(e.getMessage().contains(s), "mentions '" + s + "': " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedFileNamesTheFirstTensorCutOff() throws IOException {
        Path p = copy("a_v2_gs64.bin");
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 700));
        // the last tensor is the unshared classifier: 40*64 int8 + 40 scales = 2720 bytes
        fails(p, "truncated", "lm_head.weight", "72256", "71556");
        Files.write(p, Arrays.copyOf(b, 300));
        fails(p, "truncated", "the fp32 norms");
        Files.write(p, Arrays.copyOf(b, b.length + 3));
        fails(p, "trailing bytes");
    }

    @Test
    void groupSizeThatDoesNotDivideATensorOrIsImpossibleIsRejected() throws IOException {
        Path p = copy("a_v2_gs64.bin");
        putInt(p, 37, 0);
        fails(p, "group_size = 0");
        putInt(p, 37, 100);
        fails(p, "model.embed_tokens.weight", "not a whole number of groups of 100");
    }

    @Test
    void negativeOrNonFiniteScaleIsRejectedNamingTheTensorAndGroup() throws IOException {
        Path p = copy("c_v2_gs32.bin");
        // first tensor (embedding 16x32) starts after the norms: 256 + 4*32*3; its 512 int8 values, then 16 scales
        int firstScale = 256 + 4 * 32 * 3 + 16 * 32;
        byte[] b = Files.readAllBytes(p);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(firstScale + 4 * 3, Float.NaN);
        Files.write(p, b);
        fails(p, "model.embed_tokens.weight", "scale of group 3 is NaN");
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        Path p = copy("c_v2_gs32.bin");
        putInt(p, 4, 3);
        fails(p, "unknown llama2.c version 3");
    }
}
