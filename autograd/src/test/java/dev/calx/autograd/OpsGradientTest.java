package dev.calx.autograd;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.calx.autograd.TestTensors.param;

/** Finite-difference gradient checks of every op, on random shapes and edge cases. */
class OpsGradientTest {

    private static void check(java.util.function.Supplier<Variable> f, Variable... params) {
        GradCheck.check(f, List.of(params), 7).assertOk();
    }

    @Test
    void gradOfLinearMatchesFiniteDifferences() {
        Random r = new Random(1);
        Variable x = param("x", r, 1, 5, 7), w = param("w", r, 0.5f, 3, 7);
        check(() -> Ops.linear(x, w), x, w);
    }

    @Test
    void gradOfLinearOnRank3InputMatchesFiniteDifferences() {
        Random r = new Random(2);
        Variable x = param("x", r, 1, 2, 3, 4), w = param("w", r, 0.5f, 5, 4);
        check(() -> Ops.linear(x, w), x, w);
    }

    @Test
    void gradOfMatmulMatchesFiniteDifferencesInAllFourLayouts() {
        Random r = new Random(3);
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                Variable a = ta ? param("a", r, 1, 4, 3) : param("a", r, 1, 3, 4);
                Variable b = tb ? param("b", r, 1, 5, 4) : param("b", r, 1, 4, 5);
                check(() -> Ops.matmul(a, ta, b, tb), a, b);
            }
        }
    }

    @Test
    void gradOfAddMulScaleSumMatchFiniteDifferencesWithAndWithoutRowBroadcast() {
        Random r = new Random(4);
        Variable a = param("a", r, 1, 4, 6), b = param("b", r, 1, 4, 6), row = param("row", r, 1, 6);
        check(() -> Ops.add(a, b), a, b);
        check(() -> Ops.add(a, row), a, row);
        check(() -> Ops.mul(a, b), a, b);
        check(() -> Ops.mul(a, row), a, row);
        check(() -> Ops.scale(a, -1.5f), a);
        check(() -> Ops.sum(Ops.mul(a, a)), a);
    }

    @Test
    void gradOfSiluAndSwigluMatchFiniteDifferences() {
        Random r = new Random(5);
        Variable g = param("gate", r, 2, 3, 8), u = param("up", r, 1, 3, 8);
        check(() -> Ops.silu(g), g);
        check(() -> Ops.swiglu(g, u), g, u);
    }

    @Test
    void gradOfRmsNormMatchesFiniteDifferences() {
        Random r = new Random(6);
        Variable x = param("x", r, 1, 5, 8), w = param("w", r, 1, 8);
        check(() -> Ops.rmsNorm(x, w, 1e-5f), x, w);
        Variable one = param("oneRow", r, 1, 1, 3);
        Variable w3 = param("w3", r, 1, 3);
        check(() -> Ops.rmsNorm(one, w3, 1e-5f), one, w3);
    }

    @Test
    void gradOfRopeMatchesFiniteDifferences() {
        Random r = new Random(7);
        Variable x = param("x", r, 1, 6, 12); // 2 sequences of 3, 3 heads of 4
        check(() -> Ops.rope(x, 4, 10000f, 2), x);
        check(() -> Ops.rope(x, 6, 100f, new int[]{0, 5, 9, 2, 1, 40}), x);
    }

    @Test
    void gradOfAttentionMatchesFiniteDifferencesForMultiHeadGqaMqaAndOneHead() {
        int[][] cases = { // batch, seq, heads, kvHeads, headDim
                {2, 5, 2, 2, 4}, {1, 6, 4, 2, 4}, {2, 4, 3, 1, 2}, {1, 5, 1, 1, 6}, {3, 1, 2, 1, 4}, {1, 70, 2, 1, 4}};
        Random r = new Random(8);
        for (int[] c : cases) {
            int n = c[0] * c[1];
            Variable q = param("q", r, 1, n, c[2] * c[4]), k = param("k", r, 1, n, c[3] * c[4]),
                    v = param("v", r, 1, n, c[3] * c[4]);
            check(() -> Ops.attention(q, k, v, c[0], c[2], c[3]), q, k, v);
        }
    }

    @Test
    void gradOfPackedAttentionMatchesFiniteDifferences() {
        Random r = new Random(9);
        int[] seg = {0, 0, 0, 1, 1, 2, 7, 7, 7, 7, 3, 3};
        Variable q = param("q", r, 1, 12, 8), k = param("k", r, 1, 12, 4), v = param("v", r, 1, 12, 4);
        check(() -> Ops.attention(q, k, v, 2, 2, 1, seg), q, k, v);
    }

    @Test
    void gradOfCrossEntropyMatchesFiniteDifferencesWithMaskedTargets() {
        Random r = new Random(10);
        Variable logits = param("logits", r, 2, 6, 5);
        check(() -> Ops.crossEntropy(logits, new int[]{1, -100, 4, 0, -100, 2}), logits);
        check(() -> Ops.crossEntropy(logits, new int[]{-1, -1, 3, -1, -1, -1}, -1, 7f), logits);
    }

    @Test
    void gradOfFusedLinearCrossEntropyMatchesFiniteDifferencesAndTheUnfusedPair() {
        Random r = new Random(14);
        int rows = 300; // more than one chunk
        Variable x = param("x", r, 1, rows, 6), w = param("w", r, 0.5f, 9, 6);
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) t[i] = i % 7 == 3 || i >= 256 && i < 280 ? -100 : r.nextInt(9);
        for (int i = 0; i < 256; i++) t[i] = i == 100 ? 4 : -100; // first chunk: one counted token
        check(() -> Ops.linearCrossEntropy(x, w, t, -100, 13f), x, w);
        x.clearGrad();
        w.clearGrad();
        Variable fused = Ops.linearCrossEntropy(x, w, t, -100, 13f);
        fused.backward();
        float[] gx = x.grad().toArray(), gw = w.grad().toArray();
        x.clearGrad();
        w.clearGrad();
        Variable plain = Ops.crossEntropy(Ops.linear(x, w), t, -100, 13f);
        plain.backward();
        org.junit.jupiter.api.Assertions.assertEquals(plain.item(), fused.item(), 1e-5f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.grad().toArray(), gx, 1e-6f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(w.grad().toArray(), gw, 1e-5f);
    }

    @Test
    void gradOfEmbeddingMatchesFiniteDifferencesWithRepeatedIds() {
        Random r = new Random(11);
        Variable table = param("table", r, 1, 7, 3);
        check(() -> Ops.embedding(table, new int[]{2, 5, 2, 0, 2}), table);
    }

    @Test
    void gradOfReshapeTransposeSliceMatchFiniteDifferences() {
        Random r = new Random(12);
        Variable x = param("x", r, 1, 2, 3, 4);
        Variable w = param("w", r, 1, 5, 3);
        check(() -> Ops.linear(Ops.transpose(x, 1, 2), w), x, w);
        check(() -> Ops.mul(Ops.reshape(x, 6, 4), Ops.reshape(x, 6, 4)), x);
        check(() -> Ops.slice(x, 2, 1, 3), x);
        check(() -> Ops.slice(x, 1, 0, 2), x);
    }

    @Test
    void gradOfTinyLlamaBlockWithLossMatchesFiniteDifferences() {
        Random r = new Random(13);
        int batch = 2, seq = 3, dim = 8, heads = 4, kv = 2, hd = 2, hidden = 12, vocab = 11;
        Variable emb = param("emb", r, 1, vocab, dim);
        Variable n1 = param("n1", r, 1, dim), n2 = param("n2", r, 1, dim), nf = param("nf", r, 1, dim);
        Variable wq = param("wq", r, 0.4f, heads * hd, dim), wk = param("wk", r, 0.4f, kv * hd, dim),
                wv = param("wv", r, 0.4f, kv * hd, dim), wo = param("wo", r, 0.4f, dim, heads * hd);
        Variable wg = param("wg", r, 0.4f, hidden, dim), wu = param("wu", r, 0.4f, hidden, dim),
                wd = param("wd", r, 0.4f, dim, hidden), head = param("head", r, 0.4f, vocab, dim);
        int[] ids = {1, 4, 9, 3, 3, 0};
        int[] targets = {4, 9, -100, 3, 0, 7};
        java.util.function.Supplier<Variable> f = () -> {
            Variable x = Ops.embedding(emb, ids);
            Variable h = Ops.rmsNorm(x, n1, 1e-5f);
            Variable q = Ops.rope(Ops.linear(h, wq), hd, 10000f, batch);
            Variable k = Ops.rope(Ops.linear(h, wk), hd, 10000f, batch);
            Variable v = Ops.linear(h, wv);
            x = Ops.add(x, Ops.linear(Ops.attention(q, k, v, batch, heads, kv), wo));
            Variable m = Ops.rmsNorm(x, n2, 1e-5f);
            x = Ops.add(x, Ops.linear(Ops.swiglu(Ops.linear(m, wg), Ops.linear(m, wu)), wd));
            return Ops.crossEntropy(Ops.linear(Ops.rmsNorm(x, nf, 1e-5f), head), targets, -100, 5f);
        };
        check(f, emb, n1, n2, nf, wq, wk, wv, wo, wg, wu, wd, head);
    }
}
