package dev.calx.autograd;

import dev.calx.tensor.Backends;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.cuda.CudaBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One training step of a Llama-style block (embedding, RMSNorm, q/k/v/o projections, RoPE,
 * grouped-query attention, SwiGLU feed-forward, LM head, cross-entropy; backward; an SGD update;
 * the loss after the update) on the CUDA backend gives the CPU backend's loss and gradients to a
 * relative 1e-4. Autograd's matmuls and attention GEMMs go through Backends.get().gemm, so this
 * checks every GEMM layout of forward and backward on the device. Skipped, with the probe's
 * reason, where CUDA is not available.
 */
class CudaTrainingStepParityTest {
    static final int DIM = 32, HEADS = 4, KV_HEADS = 2, HIDDEN = 48, VOCAB = 40, BATCH = 2, SEQ = 7;

    /** Loss before the step, every gradient, loss after one SGD step. */
    record Step(float loss, List<float[]> grads, float lossAfter) {}

    static Step step(String backend) {
        Backends.select(backend);
        Random r = new Random(42);
        String[] names = {"embed", "norm1", "wq", "wk", "wv", "wo", "norm2", "gate", "up", "down", "normF", "head"};
        int hd = DIM / HEADS;
        int[][] shapes = {{VOCAB, DIM}, {DIM}, {DIM, DIM}, {KV_HEADS * hd, DIM}, {KV_HEADS * hd, DIM}, {DIM, DIM}, {DIM},
                {HIDDEN, DIM}, {HIDDEN, DIM}, {DIM, HIDDEN}, {DIM}, {VOCAB, DIM}};
        List<Variable> params = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            Tensor t = Tensor.zeros(shapes[i]);
            float[] d = t.data();
            for (int j = 0; j < d.length; j++) d[j] = shapes[i].length == 1 ? 1f + 0.1f * (float) r.nextGaussian() : 0.2f * (float) r.nextGaussian();
            params.add(Variable.parameter(names[i], t));
        }
        int[] ids = new int[BATCH * SEQ], targets = new int[BATCH * SEQ];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(VOCAB);
            targets[i] = r.nextInt(VOCAB);
        }
        Variable loss = forward(params, ids, targets);
        loss.backward();
        List<float[]> grads = new ArrayList<>();
        for (Variable p : params) grads.add(p.grad().toArray());
        for (Variable p : params) { // SGD, in place, as an optimizer would
            float[] v = p.value().data(), g = p.grad().data();
            int vo = p.value().offset(), go = p.grad().offset();
            for (int j = 0; j < p.value().size(); j++) v[vo + j] -= 0.1f * g[go + j];
            p.value().touch();
        }
        Variable after;
        try (NoGrad ignored = NoGrad.enter()) {
            after = forward(params, ids, targets);
        }
        return new Step(loss.item(), grads, after.item());
    }

    static Variable forward(List<Variable> p, int[] ids, int[] targets) {
        float eps = 1e-5f, theta = 10000f;
        int hd = DIM / HEADS;
        Variable x = Ops.embedding(p.get(0), ids);
        Variable h = Ops.rmsNorm(x, p.get(1), eps);
        Variable q = Ops.rope(Ops.linear(h, p.get(2)), hd, theta, BATCH);
        Variable k = Ops.rope(Ops.linear(h, p.get(3)), hd, theta, BATCH);
        Variable v = Ops.linear(h, p.get(4));
        x = Ops.add(x, Ops.linear(Ops.attention(q, k, v, BATCH, HEADS, KV_HEADS), p.get(5)));
        h = Ops.rmsNorm(x, p.get(6), eps);
        x = Ops.add(x, Ops.linear(Ops.swiglu(Ops.linear(h, p.get(7)), Ops.linear(h, p.get(8))), p.get(9)));
        Variable logits = Ops.linear(Ops.rmsNorm(x, p.get(10), eps), p.get(11));
        return Ops.crossEntropy(logits, targets);
    }

    static void close(String what, float want, float got) {
        float err = Math.abs(want - got) / Math.max(1e-6f, Math.abs(want));
        assertTrue(err <= 1e-4f, what + ": cpu " + want + " cuda " + got + " (relative error " + err + ")");
    }

    @Test
    void oneTrainingStepOnCudaMatchesTheCpuBackend() {
        Object probe = CudaBackend.probe();
        Assumptions.assumeTrue(probe instanceof CudaBackend, () -> "CUDA not available: " + probe);
        try {
            Step want = step("cpu"), got = step("cuda");
            close("loss", want.loss(), got.loss());
            close("loss after one SGD step", want.lossAfter(), got.lossAfter());
            for (int i = 0; i < want.grads().size(); i++) {
                float[] a = want.grads().get(i), b = got.grads().get(i);
                float max = 1e-6f, diff = 0;
                for (int j = 0; j < a.length; j++) {
                    max = Math.max(max, Math.abs(a[j]));
                    diff = Math.max(diff, Math.abs(a[j] - b[j]));
                }
                assertTrue(diff / max <= 1e-4f, "gradient of parameter " + i + ": relative error " + diff / max);
            }
        } finally {
            Backends.select(System.getProperty("calx.backend", "auto"));
        }
    }

    /** The same step twice on the CPU gives identical numbers: the comparison above is not vacuous. */
    @Test
    void theStepIsDeterministicAndTheUpdateChangesTheLoss() {
        try {
            Step a = step("cpu"), b = step("cpu");
            assertTrue(a.loss() == b.loss() && a.lossAfter() == b.lossAfter(), a + " vs " + b);
            assertTrue(a.lossAfter() < a.loss(), "SGD step lowers the loss: " + a.loss() + " -> " + a.lossAfter());
        } finally {
            Backends.select(System.getProperty("calx.backend", "auto"));
        }
    }
}
