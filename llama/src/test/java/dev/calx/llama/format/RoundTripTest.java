package dev.calx.llama.format;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.LlamaWeights;
import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writers reproduce the files the Python reference wrote, byte for byte, and conversions keep the logits. */
class RoundTripTest {
    @TempDir
    Path tmp;

    static final int[] TOKENS = {1, 5, 9, 30, 0, 17};

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).sorted().toList();
        }
    }

    static void assertSameFiles(Path want, Path got) throws IOException {
        assertEquals(files(want), files(got));
        for (String f : files(want)) {
            assertArrayEquals(Files.readAllBytes(want.resolve(f)), Files.readAllBytes(got.resolve(f)), f + " differs");
        }
    }

    static float[] logits(LlamaModel m) {
        try (InferenceSession s = m.newSession()) {
            return s.append(TOKENS);
        }
    }

    @Test
    void hfSingleFileF32RoundTripsByteIdentically() throws IOException {
        Path src = FixtureLogitsTest.fixtures().resolve("a_hf_f32");
        try (LlamaModel m = LlamaModel.load(src)) {
            assertTrue(m.weights().hfRopeOrder(), "HF q/k keep their file order");
            for (var l : m.weights().layers()) {
                assertTrue(l.qProj().segment().isMapped() && l.kProj().segment().isMapped() && l.downProj().segment().isMapped(),
                        "matrices are used in place in the mapped file, not copied");
            }
            Path out = tmp.resolve("a");
            HfCheckpoint.write(m.weights(), out, (String) m.metadata().get(HfCheckpoint.CONFIG_TEXT), null, Long.MAX_VALUE);
            assertSameFiles(src, out);
        }
    }

    /**
     * Written files get the mode any new file gets here (rw-r--r-- under umask 022), not the
     * owner-only mode of Files.createTempFile, which the rename used to pass on.
     */
    @Test
    void writtenCheckpointsAndTokenizersHaveTheModeOfAPlainNewFile() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain"));
        var want = Files.getPosixFilePermissions(plain);
        org.junit.jupiter.api.Assumptions.assumeTrue(want.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ),
                "this umask makes new files owner-only anyway (" + want + "), so the check could not tell");
        try (LlamaModel m = LlamaModel.load(FixtureLogitsTest.fixtures().resolve("a_hf_f32"))) {
            Path hf = tmp.resolve("hf");
            HfCheckpoint.write(m.weights(), hf, null, null, Long.MAX_VALUE);
            Path bin = tmp.resolve("m.bin");
            Llama2c.write(m.weights(), bin, 1);
            List<Path> written = new java.util.ArrayList<>(List.of(bin));
            for (String f : files(hf)) written.add(hf.resolve(f));
            Path tok512 = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/models/stories260K/tok512.bin");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(tok512), "missing " + tok512);
            var tok = dev.calx.llama.tokenizer.Llama2cTokenizer.load(tok512);
            for (String name : List.of("tokenizer.model", "tokenizer.json", "tok.bin")) {
                Path t = tmp.resolve(name);
                dev.calx.llama.tokenizer.Tokenizers.save(tok, t);
                written.add(t);
            }
            for (Path p : written) assertEquals(want, Files.getPosixFilePermissions(p), p.toString());
            try (Stream<Path> left = Stream.concat(Files.list(tmp), Files.list(hf))) {
                assertEquals(List.of(), left.filter(p -> p.toString().endsWith(".tmp")).toList(), "temporary files left");
            }
        }
    }

    @Test
    void hfShardedBf16RoundTripsByteIdentically() throws IOException {
        Path src = FixtureLogitsTest.fixtures().resolve("b_hf_bf16_sharded");
        try (LlamaModel m = LlamaModel.load(src)) {
            assertEquals(DType.BF16, m.weights().storageDType());
            assertEquals(DType.BF16, m.weights().vectorDType());
            Path out = tmp.resolve("b");
            HfCheckpoint.write(m.weights(), out, (String) m.metadata().get(HfCheckpoint.CONFIG_TEXT), null, 40000);
            assertSameFiles(src, out);
        }
    }

    @Test
    void llama2cVersion1RoundTripsByteIdenticallyAndVersion0UpToTheUnusedRopeTables() throws IOException {
        Path v1 = FixtureLogitsTest.fixtures().resolve("a_v1.bin"), v0 = FixtureLogitsTest.fixtures().resolve("a_v0.bin");
        try (LlamaModel m = LlamaModel.load(v1)) {
            Llama2c.write(m.weights(), tmp.resolve("v1.bin"), 1);
            assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(tmp.resolve("v1.bin")));
        }
        try (LlamaModel m = LlamaModel.load(v0)) {
            LlamaConfig c = m.config();
            Llama2c.write(m.weights(), tmp.resolve("v0.bin"), 0);
            byte[] want = Files.readAllBytes(v0), got = Files.readAllBytes(tmp.resolve("v0.bin"));
            assertEquals(want.length, got.length);
            // the RoPE tables (computed by torch in float32, never read) sit before the classifier
            long head = (long) c.vocabSize() * c.hiddenSize() * 4;
            long ropeEnd = want.length - (c.tieWordEmbeddings() ? 0 : head);
            long ropeStart = ropeEnd - 4L * c.maxPositionEmbeddings() * c.headDim();
            assertArrayEquals(Arrays.copyOfRange(want, 0, (int) ropeStart), Arrays.copyOfRange(got, 0, (int) ropeStart));
            assertArrayEquals(Arrays.copyOfRange(want, (int) ropeEnd, want.length), Arrays.copyOfRange(got, (int) ropeEnd, got.length));
            float[] ropeDiff = new float[1];
            java.nio.ByteBuffer a = java.nio.ByteBuffer.wrap(want).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(got).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (long p = ropeStart; p < ropeEnd; p += 4) {
                ropeDiff[0] = Math.max(ropeDiff[0], Math.abs(a.getFloat((int) p) - b.getFloat((int) p)));
            }
            assertTrue(ropeDiff[0] < 1e-5, "RoPE tables differ by " + ropeDiff[0]);
        }
    }

    @Test
    void conversionsBetweenFormatsKeepTheLogits() throws IOException {
        Path fx = FixtureLogitsTest.fixtures();
        try (LlamaModel hf = LlamaModel.load(fx.resolve("a_hf_f32"))) {
            float[] want = logits(hf);
            Llama2c.write(hf.weights(), tmp.resolve("x.bin"), 0);
            try (LlamaModel l2c = LlamaModel.load(tmp.resolve("x.bin"))) {
                assertArrayEquals(want, logits(l2c), "hf -> llama2c v0");
                HfCheckpoint.write(l2c.weights(), tmp.resolve("back"), null, null, Long.MAX_VALUE);
            }
            // the same bytes as the original, apart from config.json (generated, not the original text)
            assertArrayEquals(Files.readAllBytes(fx.resolve("a_hf_f32/model.safetensors")),
                    Files.readAllBytes(tmp.resolve("back/model.safetensors")));
            try (LlamaModel back = LlamaModel.load(tmp.resolve("back"))) {
                assertEquals(hf.config(), back.config());
            }
        }
        try (LlamaModel q8 = LlamaModel.load(fx.resolve("b_q8_0.gguf"))) {
            float[] want = logits(q8);
            HfCheckpoint.write(q8.weights(), tmp.resolve("q8hf"), null, null, Long.MAX_VALUE);
            try (LlamaModel hf = LlamaModel.load(tmp.resolve("q8hf"))) {
                assertEquals(DType.F32, hf.weights().storageDType(), "Q8_0 is written as F32 to safetensors");
                float[] got = logits(hf);
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])));
            }
        }
    }

    @Test
    void randomWeightsSurviveEveryWriterInEveryStorageFormat() throws IOException {
        LlamaConfig c = new LlamaConfig(64, 96, 2, 4, 1, 40, 1e-5f, 10000f, 16, false, 1, 2);
        for (DType dt : new DType[]{DType.F32, DType.BF16, DType.F16}) {
            LlamaWeights w = LlamaWeights.random(c, dt, 11);
            float[] want = logits(LlamaModel.of(w));
            Path dir = tmp.resolve("r" + dt);
            HfCheckpoint.write(w, dir, null, null, 30000);
            assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")), "sharded");
            try (LlamaModel m = LlamaModel.load(dir)) {
                assertEquals(dt, m.weights().storageDType());
                // HF files keep q/k in rotate-half order and the session reorders activations, so the
                // GEMM tiles see permuted rows: equal up to float rounding, not bit for bit.
                float[] got = logits(m);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), dt + " through HF, logit " + i);
                }
            }
        }
    }
}
