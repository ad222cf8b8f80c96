package dev.calx.llama;

import dev.calx.autograd.GradCheck;
import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.llama.format.FixtureLogitsTest;
import dev.calx.tensor.DType;
import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd forward computes the same model as the inference session, over shared parameters. */
class TrainableLlamaTest {
    static final int[] TOKENS = {1, 5, 9, 33, 0, 17, 36, 2, 8, 8, 21, 30};

    static void close(float want, float got, String what) {
        assertTrue(Math.abs(want - got) <= 1e-4 * Math.max(1, Math.abs(want)), what + ": expected " + want + " got " + got);
    }

    @Test
    void batchedTrainingForwardGivesPyTorchLogitsAtEveryPosition() throws IOException {
        byte[] ref = Files.readAllBytes(FixtureLogitsTest.fixtures().resolve("a_hf_f32.logits.f32"));
        ByteBuffer b = ByteBuffer.wrap(ref).order(ByteOrder.LITTLE_ENDIAN);
        try (LlamaModel m = LlamaModel.load(FixtureLogitsTest.fixtures().resolve("a_hf_f32"))) {
            TrainableLlama t = TrainableLlama.of(m.weights());
            assertTrue(t.allHeapF32());
            int[] two = new int[TOKENS.length * 2];
            System.arraycopy(TOKENS, 0, two, 0, TOKENS.length);
            System.arraycopy(TOKENS, 0, two, TOKENS.length, TOKENS.length);
            Tensor logits = t.forward(two, 2).value();
            int v = m.config().vocabSize();
            assertEquals(List.of(24, 37), List.of(logits.dim(0), logits.dim(1)));
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < TOKENS.length; i++) {
                    for (int j = 0; j < v; j++) {
                        close(b.getFloat(4 * (i * v + j)), logits.get(s * TOKENS.length + i, j), "sequence " + s + " position " + i);
                    }
                }
            }
        }
    }

    @Test
    void inferenceSessionsSeeParameterUpdates() {
        LlamaConfig c = new LlamaConfig(32, 48, 2, 4, 2, 24, 1e-5f, 10000f, 16, true, 1, 2);
        TrainableLlama t = TrainableLlama.of(LlamaWeights.random(c, DType.F32, 5));
        assertSame(t.weights(), TrainableLlama.of(t.weights()).weights(), "heap fp32 weights are shared, not copied");
        int[] toks = {1, 4, 7, 9};
        float[] before;
        try (InferenceSession s = LlamaModel.session(t.weights(), 16)) {
            before = s.append(toks);
        }
        // an in-place "optimizer step" on two parameters, one of them the tied embedding/head
        for (String name : new String[]{LlamaWeights.layer(1, "self_attn.q_proj"), LlamaWeights.EMBED}) {
            float[] d = t.parameters().get(name).value().data();
            for (int i = 0; i < d.length; i++) d[i] *= 1.25f;
        }
        float[] after;
        try (InferenceSession s = LlamaModel.session(t.weights(), 16)) {
            after = s.append(toks);
        }
        Tensor train = t.forward(toks, 1).value();
        boolean changed = false;
        for (int j = 0; j < c.vocabSize(); j++) {
            close(train.get(3, j), after[j], "training vs inference after the update, logit " + j);
            changed |= Math.abs(after[j] - before[j]) > 1e-3;
        }
        assertTrue(changed, "the update reached the session");
    }

    @Test
    void packedSamplesMatchSeparateSequences() {
        LlamaConfig c = new LlamaConfig(32, 48, 1, 4, 1, 24, 1e-5f, 10000f, 16, false, 1, 2);
        TrainableLlama t = TrainableLlama.of(LlamaWeights.random(c, DType.F32, 9));
        int[] a = {1, 4, 7}, b = {1, 9, 3, 3, 20};
        int[] packed = {1, 4, 7, 1, 9, 3, 3, 20};
        int[] seg = {0, 0, 0, 1, 1, 1, 1, 1};
        Tensor p = t.forward(packed, 1, seg).value();
        Tensor la = t.forward(a, 1).value(), lb = t.forward(b, 1).value();
        for (int j = 0; j < c.vocabSize(); j++) {
            close(la.get(2, j), p.get(2, j), "sample a");
            close(lb.get(4, j), p.get(7, j), "sample b");
        }
    }

    @Test
    void lossGradientsMatchFiniteDifferences() {
        LlamaConfig c = new LlamaConfig(16, 24, 2, 2, 1, 12, 1e-5f, 10000f, 8, false, 1, 2);
        TrainableLlama t = TrainableLlama.of(LlamaWeights.random(c, DType.F32, 21));
        int[] toks = {1, 3, 5, 7, 2, 9, 11, 4};
        int[] targets = {3, 5, 7, 2, Ops.IGNORE_INDEX, 11, 4, 6};
        List<Variable> ps = t.parameterList();
        GradCheck.Report r = GradCheck.check(() -> t.loss(toks, targets, 2, null, 7), ps, 1e-2, 2e-2, 2e-3, 12, 3);
        r.assertOk();
        assertFalse(r.entries().isEmpty());
        assertEquals(ps.size(), r.entries().size());
    }

    @Test
    void checkpointedLayersGiveTheSameLossAndGradients() {
        LlamaConfig c = new LlamaConfig(16, 24, 2, 2, 1, 12, 1e-5f, 10000f, 8, true, 1, 2);
        TrainableLlama t = TrainableLlama.of(LlamaWeights.random(c, DType.F32, 4));
        int[] toks = {1, 3, 5, 7, 2, 9}, targets = {3, 5, 7, 2, 9, 1};
        Variable plain = t.loss(toks, targets, 1, null, 6);
        plain.backward();
        float[] g = t.parameters().get(LlamaWeights.EMBED).grad().toArray();
        Variable.zeroGrad(t.parameterList());
        Variable ck = t.checkpointLayers(true).loss(toks, targets, 1, null, 6);
        ck.backward();
        close(plain.item(), ck.item(), "loss");
        float[] g2 = t.parameters().get(LlamaWeights.EMBED).grad().toArray();
        for (int i = 0; i < g.length; i++) close(g[i], g2[i], "embedding grad " + i);
    }
}
