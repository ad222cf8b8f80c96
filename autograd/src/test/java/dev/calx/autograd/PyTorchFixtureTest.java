package dev.calx.autograd;

import dev.calx.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outputs and gradients against PyTorch (fixtures written by tools/autograd_fixtures.py, fp32).
 * Agreement is relative to the reference's largest magnitude: max|ours - torch| <= 1e-4 * max|torch|.
 */
class PyTorchFixtureTest {
    private static Fixtures fx;

    @BeforeAll
    static void load() throws IOException {
        fx = Fixtures.load("/autograd/fixtures.bin");
    }

    static void assertRelClose(String what, Tensor ours, Tensor ref) {
        assertArrayEquals(ref.shape(), ours.shape(), what + ": shape");
        double diff = TestTensors.maxAbsDiff(ours, ref), scale = Math.max(TestTensors.maxAbs(ref), 1e-30);
        assertTrue(diff <= 1e-4 * scale, what + ": max |ours - torch| = " + diff + " vs max |torch| " + scale
                + " (relative " + diff / scale + " > 1e-4)");
    }

    /** Loads the named inputs as parameters, runs f, back-propagates the fixture's dout and compares. */
    private static void run(String prefix, String[] inputs, Function<Map<String, Variable>, Variable> f) {
        Map<String, Variable> vars = new LinkedHashMap<>();
        for (String in : inputs) vars.put(in, Variable.parameter(prefix + "." + in, fx.tensor(prefix + "." + in)));
        Variable out = f.apply(vars);
        Tensor refOut = fx.tensor(prefix + ".out");
        assertRelClose(prefix + " output", out.value().rank() == 0 ? out.value() : out.value(), refOut);
        if (fx.has(prefix + ".dout")) out.backward(fx.tensor(prefix + ".dout"));
        else out.backward();
        for (String in : inputs) {
            assertRelClose(prefix + " d" + in, vars.get(in).grad(), fx.tensor(prefix + ".d" + in));
        }
    }

    @Test
    void linearAndMatmulMatchPyTorch() {
        run("linear", new String[]{"x", "w"}, v -> Ops.linear(v.get("x"), v.get("w")));
        run("matmul", new String[]{"a", "b"}, v -> Ops.matmul(v.get("a"), v.get("b")));
    }

    @Test
    void broadcastAddAndMulMatchPyTorch() {
        run("addRow", new String[]{"a", "b"}, v -> Ops.add(v.get("a"), v.get("b")));
        run("mulRow", new String[]{"a", "b"}, v -> Ops.mul(v.get("a"), v.get("b")));
        run("mul", new String[]{"a", "b"}, v -> Ops.mul(v.get("a"), v.get("b")));
    }

    @Test
    void siluSwigluAndRmsNormMatchPyTorch() {
        run("silu", new String[]{"x"}, v -> Ops.silu(v.get("x")));
        run("swiglu", new String[]{"gate", "up"}, v -> Ops.swiglu(v.get("gate"), v.get("up")));
        run("rmsNorm", new String[]{"x", "w"}, v -> Ops.rmsNorm(v.get("x"), v.get("w"), 1e-5f));
    }

    @Test
    void ropeWithInterleavedPairsMatchesPyTorch() {
        run("rope", new String[]{"x"}, v -> Ops.rope(v.get("x"), 8, 10000f, 2));
    }

    @Test
    void attentionMatchesPyTorchForGqaPackedAndLengthOne() {
        run("attentionGqa", new String[]{"q", "k", "v"}, v -> Ops.attention(v.get("q"), v.get("k"), v.get("v"), 2, 4, 2));
        int[] seg = fx.ints("attentionPacked.segments");
        run("attentionPacked", new String[]{"q", "k", "v"},
                v -> Ops.attention(v.get("q"), v.get("k"), v.get("v"), 2, 3, 1, seg));
        run("attentionLen1", new String[]{"q", "k", "v"}, v -> Ops.attention(v.get("q"), v.get("k"), v.get("v"), 3, 1, 1));
    }

    @Test
    void crossEntropyWithIgnoredTargetsMatchesPyTorch() {
        int[] t = fx.ints("crossEntropy.targets");
        run("crossEntropy", new String[]{"logits"}, v -> Ops.crossEntropy(v.get("logits"), t, Ops.IGNORE_INDEX, 9f));
        int[] one = fx.ints("crossEntropyOne.targets");
        run("crossEntropyOne", new String[]{"logits"}, v -> Ops.crossEntropy(v.get("logits"), one));
    }

    @Test
    void embeddingMatchesPyTorch() {
        int[] ids = fx.ints("embedding.ids");
        run("embedding", new String[]{"table"}, v -> Ops.embedding(v.get("table"), ids));
    }

    @Test
    void tinyLlamaLossLogitsAndEveryGradientMatchPyTorch() {
        tinyLlama(false);
    }

    @Test
    void tinyLlamaWithFusedLinearCrossEntropyMatchesPyTorch() {
        tinyLlama(true);
    }

    private static void tinyLlama(boolean fusedHead) {
        int b = 2, t = 7, heads = 4, kv = 2, hd = 4;
        float eps = 1e-5f, theta = 10000f;
        int[] ids = fx.ints("llama.ids"), targets = fx.ints("llama.targets");
        Variable[] logitsOut = new Variable[1];
        String[] names = {"embed", "attn_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w_gate", "w_up", "w_down",
                "final_norm", "lm_head"};
        run("llama", names, p -> {
            Variable x = Ops.embedding(p.get("embed"), ids);
            Variable h = Ops.rmsNorm(x, p.get("attn_norm"), eps);
            Variable q = Ops.rope(Ops.linear(h, p.get("wq")), hd, theta, b);
            Variable k = Ops.rope(Ops.linear(h, p.get("wk")), hd, theta, b);
            Variable v = Ops.linear(h, p.get("wv"));
            x = Ops.add(x, Ops.linear(Ops.attention(q, k, v, b, heads, kv), p.get("wo")));
            Variable m = Ops.rmsNorm(x, p.get("ffn_norm"), eps);
            x = Ops.add(x, Ops.linear(Ops.swiglu(Ops.linear(m, p.get("w_gate")), Ops.linear(m, p.get("w_up"))), p.get("w_down")));
            Variable hf = Ops.rmsNorm(x, p.get("final_norm"), eps);
            if (fusedHead) return Ops.linearCrossEntropy(hf, p.get("lm_head"), targets, Ops.IGNORE_INDEX, 20f);
            Variable logits = Ops.linear(hf, p.get("lm_head"));
            logitsOut[0] = logits;
            return Ops.crossEntropy(logits, targets, Ops.IGNORE_INDEX, 20f);
        });
        if (!fusedHead) assertRelClose("llama logits", logitsOut[0].value(), fx.tensor("llama.logits"));
        assertTrue(Arrays.stream(targets).filter(x -> x == Ops.IGNORE_INDEX).count() == 5);
    }
}
