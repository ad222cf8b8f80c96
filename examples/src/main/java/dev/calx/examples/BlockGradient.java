package dev.calx.examples;

import dev.calx.autograd.GradCheck;
import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The gradient of a loss through one Llama decoder block (pre-norm grouped-query attention with
 * RoPE, then a pre-norm SwiGLU feed-forward, each with a residual), composed from autograd ops,
 * and checked against central finite differences. Prints one line per parameter.
 */
public final class BlockGradient {
    private BlockGradient() {}

    static final int DIM = 16, HIDDEN = 40, HEADS = 4, KV_HEADS = 2, BATCH = 2, SEQ = 5;

    /** One decoder block over BATCH sequences of SEQ tokens laid out row after row. */
    static Variable block(Map<String, Variable> p, Variable x) {
        int headDim = DIM / HEADS;
        Variable h = Ops.rmsNorm(x, p.get("input_layernorm"), 1e-5f);
        Variable q = Ops.rope(Ops.linear(h, p.get("q_proj")), headDim, 10000f, BATCH);
        Variable k = Ops.rope(Ops.linear(h, p.get("k_proj")), headDim, 10000f, BATCH);
        Variable v = Ops.linear(h, p.get("v_proj"));
        x = Ops.add(x, Ops.linear(Ops.attention(q, k, v, BATCH, HEADS, KV_HEADS), p.get("o_proj")));
        Variable m = Ops.rmsNorm(x, p.get("post_attention_layernorm"), 1e-5f);
        Variable ff = Ops.swiglu(Ops.linear(m, p.get("gate_proj")), Ops.linear(m, p.get("up_proj")));
        return Ops.add(x, Ops.linear(ff, p.get("down_proj")));
    }

    static Tensor random(Random r, float scale, float offset, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = offset + scale * (float) r.nextGaussian();
        return t;
    }

    /**
     * Runs the example.
     *
     * @param args optional: the random seed
     */
    public static void main(String[] args) {
        Random r = new Random(args.length > 0 ? Long.parseLong(args[0]) : 1);
        int kv = DIM / HEADS * KV_HEADS;
        Map<String, Variable> p = new LinkedHashMap<>(); // matrices are [out][in], as in Hugging Face
        for (String norm : List.of("input_layernorm", "post_attention_layernorm")) {
            p.put(norm, Variable.parameter(norm, random(r, 0.1f, 1f, DIM)));
        }
        String[] names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
        int[][] shapes = {{DIM, DIM}, {kv, DIM}, {kv, DIM}, {DIM, DIM}, {HIDDEN, DIM}, {HIDDEN, DIM}, {DIM, HIDDEN}};
        for (int i = 0; i < names.length; i++) {
            p.put(names[i], Variable.parameter(names[i], random(r, (float) (1 / Math.sqrt(shapes[i][1])), 0f, shapes[i])));
        }
        Variable x = Variable.constant(random(r, 1f, 0f, BATCH * SEQ, DIM));
        Variable target = Variable.constant(random(r, 1f, 0f, BATCH * SEQ, DIM));

        Supplier<Variable> loss = () -> Ops.sum(Ops.mul(block(p, x), target)); // any scalar will do
        Variable l = loss.get();
        l.backward(); // fills every parameter's grad()
        System.out.printf("loss %.6f, dL/d q_proj[0][0] = %.6f%n", l.item(), p.get("q_proj").grad().data()[0]);
        // the same gradients against central differences of the loss, 24 elements per parameter
        GradCheck.Report report = GradCheck.check(loss, List.copyOf(p.values()), 1e-2, 2e-2, 2e-3, 24, 7);
        System.out.print(report);
        if (!report.ok()) throw new AssertionError("gradient check failed");
    }
}
