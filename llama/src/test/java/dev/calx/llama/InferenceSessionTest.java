package dev.calx.llama;

import dev.calx.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceSessionTest {
    static final LlamaConfig CFG = new LlamaConfig(48, 100, 2, 6, 2, 37, 1e-5f, 10000f, 40, false, 1, 2);
    static final int[] TOKENS = {1, 5, 9, 33, 0, 17, 36, 2, 8, 8, 21};

    static LlamaModel model() {
        return LlamaModel.of(LlamaWeights.random(CFG, DType.F32, 7));
    }

    static void close(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            float tol = 1e-4f * Math.max(1f, Math.abs(want[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + ": logit " + i + " want " + want[i] + " got " + got[i]);
        }
    }

    @Test
    void prefillInOneBatchGivesTheSameLogitsAsTokenByTokenDecode() {
        LlamaModel m = model();
        float[][] stepwise = new float[TOKENS.length][];
        try (InferenceSession s = m.newSession()) {
            for (int i = 0; i < TOKENS.length; i++) stepwise[i] = s.append(TOKENS[i]);
            assertEquals(TOKENS.length, s.position());
        }
        try (InferenceSession s = m.newSession()) {
            close(stepwise[TOKENS.length - 1], s.append(TOKENS), "whole prompt at once");
        }
        try (InferenceSession s = m.newSession()) {
            s.append(java.util.Arrays.copyOf(TOKENS, 4));
            close(stepwise[6], s.append(TOKENS[4], TOKENS[5], TOKENS[6]), "prefill, then a second prefill");
            close(stepwise[7], s.append(TOKENS[7]), "then decode");
        }
    }

    /**
     * The cache starts at 64 positions and doubles; every growth re-lays out each kv head's run
     * (head-major cache). Decoding 150 tokens one at a time (growths at 64 and 128), a one-shot
     * prefill (one growth, to 150) and a fork taken after the first growth must all give the
     * training forward's logits (autograd over the whole sequence, no cache) with grouped-query
     * attention (6 heads over 2 kv heads).
     */
    @Test
    void decodingPastTheCacheGrowthsMatchesTheTrainingForward() {
        LlamaConfig cfg = new LlamaConfig(48, 100, 2, 6, 2, 37, 1e-5f, 10000f, 200, false, 1, 2);
        LlamaWeights w = LlamaWeights.random(cfg, DType.F32, 11);
        java.util.Random r = new java.util.Random(5);
        int n = 150, v = cfg.vocabSize();
        int[] toks = new int[n];
        for (int i = 0; i < n; i++) toks[i] = r.nextInt(v);
        dev.calx.tensor.Tensor ref = TrainableLlama.of(w).forward(toks, 1).value();
        float[] at99 = new float[v], last = new float[v];
        for (int j = 0; j < v; j++) {
            at99[j] = ref.get(99, j);
            last[j] = ref.get(n - 1, j);
        }
        try (InferenceSession s = LlamaModel.session(w, 200)) {
            InferenceSession f = null;
            float[] got = null;
            for (int i = 0; i < n; i++) {
                got = s.append(toks[i]);
                if (i == 99) {
                    close(at99, got, "token by token, position 99");
                    f = s.fork();
                }
            }
            close(last, got, "token by token, position 149");
            try (InferenceSession fork = f) {
                float[] fl = fork.append(java.util.Arrays.copyOfRange(toks, 100, n));
                close(last, fl, "fork at 100, then the rest as one prefill");
            }
        }
        try (InferenceSession s = LlamaModel.session(w, 200)) {
            close(last, s.append(toks), "one prefill of all 150");
        }
    }

    @Test
    void forkIsIndependentAndRollbackReplaysTheSameLogits() {
        LlamaModel m = model();
        try (InferenceSession s = m.newSession()) {
            s.append(1, 5, 9);
            float[] next = s.append(33);
            InferenceSession f = s.fork();
            float[] a = s.append(4);
            float[] b = f.append(7);
            assertEquals(5, s.position());
            assertEquals(5, f.position());
            try (InferenceSession f2 = f.fork()) {
                f2.rollback(4);
                assertArrayEquals(a, f2.append(4), "fork of a fork, rolled back, replays the parent's step");
            }
            s.rollback(3);
            assertArrayEquals(next, s.append(33), "rollback then the same token gives the same logits");
            f.rollback(4);
            assertArrayEquals(b, f.append(7), "the fork kept its own cache while the parent moved on");
            f.close();
        }
    }

    @Test
    void contextOverflowSaysTheLimitAndTheLength() {
        try (InferenceSession s = model().newSession(8)) {
            s.append(1, 2, 3, 4, 5, 6);
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> s.append(1, 2, 3));
            assertEquals(8, e.limit());
            assertEquals(9, e.requested());
            assertTrue(e.getMessage().contains("8") && e.getMessage().contains("9"), e.getMessage());
            assertEquals(6, s.position(), "a rejected append leaves the cache as it was");
            s.append(7, 8);
            assertThrows(ContextOverflowException.class, () -> s.append(9));
        }
    }

    @Test
    void tokenOutsideVocabularyIsRejectedWithItsIndex() {
        try (InferenceSession s = model().newSession()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.append(1, 37));
            assertTrue(e.getMessage().contains("37") && e.getMessage().contains("index 1"), e.getMessage());
        }
    }

    @Test
    void quantizedWeightsStayCloseToFp32() {
        LlamaWeights w = LlamaWeights.random(new LlamaConfig(64, 96, 2, 4, 2, 40, 1e-5f, 10000f, 32, true, 1, 2), DType.F32, 3);
        float[] ref;
        try (InferenceSession s = LlamaModel.session(w, 32)) {
            ref = s.append(TOKENS);
        }
        for (DType dt : new DType[]{DType.BF16, DType.F16, DType.Q8_0}) {
            try (InferenceSession s = LlamaModel.session(w.convert(dt), 32)) {
                float[] got = s.append(TOKENS);
                double err = 0, norm = 0;
                for (int i = 0; i < ref.length; i++) {
                    err = Math.max(err, Math.abs(got[i] - ref[i]));
                    norm = Math.max(norm, Math.abs(ref[i]));
                }
                assertTrue(err / norm < 0.05, dt + ": relative error " + err / norm);
            }
        }
    }

    @Test
    void growingTheVocabularyAddsMeanRowsAndKeepsOldLogits() {
        LlamaWeights w = LlamaWeights.random(CFG, DType.BF16, 2);
        LlamaWeights g = w.withVocabSize(40);
        assertEquals(40, g.config().vocabSize());
        assertEquals(40, g.embedTokens().rows());
        assertEquals(40, g.lmHead().rows());
        float[] row = new float[48];
        g.embedTokens().rowToFloat(38, row, 0);
        double mean = 0;
        float[] old = new float[48];
        for (int r = 0; r < 37; r++) {
            w.embedTokens().rowToFloat(r, old, 0);
            mean += old[5];
        }
        assertEquals(mean / 37, row[5], 1e-6);
        float[] a, b;
        try (InferenceSession s = LlamaModel.session(w, 16)) {
            a = s.append(1, 2, 3);
        }
        try (InferenceSession s = LlamaModel.session(g, 16)) {
            b = s.append(1, 2, 3);
        }
        assertEquals(40, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), "logit " + i);
        assertThrows(IllegalArgumentException.class, () -> w.withVocabSize(10));
    }
}
