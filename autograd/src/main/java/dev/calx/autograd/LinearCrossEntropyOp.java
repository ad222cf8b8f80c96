package dev.calx.autograd;

import dev.calx.autograd.internal.Kernels;
import dev.calx.tensor.Backends;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * The output projection fused with cross-entropy, {@code crossEntropy(x · wᵀ)}, computed in
 * chunks of rows so that the [tokens][vocab] logits never exist whole: the forward keeps one
 * log-sum-exp per row, the backward recomputes each chunk's logits, turns them into
 * {@code (softmax - onehot) * dLoss/count} in place and multiplies them into dX and dW. Costs
 * one more GEMM of the projection than the unfused pair; saves two [tokens][vocab] buffers.
 */
final class LinearCrossEntropyOp extends Node {
    static final int CHUNK = 256;

    private Tensor x, w;
    private int[] targets;
    private final int ignore;
    private final float count;
    private float[] lse;

    private LinearCrossEntropyOp(Variable xv, Variable wv, Tensor x, Tensor w, int[] targets, int ignore, float count,
                                 float[] lse) {
        super("linearCrossEntropy", new int[0], xv, wv);
        this.x = x;
        this.w = w;
        this.targets = targets;
        this.ignore = ignore;
        this.count = count;
        this.lse = lse;
    }

    static Variable apply(Variable xv, Variable wv, int[] targets, int ignoreIndex, float count) {
        Tensor x = xv.value().contiguous(), w = wv.value().contiguous();
        if (w.rank() != 2 || x.cols() != w.dim(1)) {
            throw new ShapeException("linearCrossEntropy: input " + xv.label() + " " + Arrays.toString(x.shape())
                    + " and weight " + wv.label() + " " + Arrays.toString(w.shape()) + " do not fit x [tokens][in] · w [vocab][in]ᵀ");
        }
        int rows = x.rows(), vocab = w.dim(0), in = x.cols();
        if (targets.length != rows) {
            throw new ShapeException("linearCrossEntropy: " + targets.length + " targets for " + rows + " rows of "
                    + Arrays.toString(x.shape()));
        }
        for (int i = 0; i < rows; i++) {
            if (targets[i] != ignoreIndex && (targets[i] < 0 || targets[i] >= vocab)) {
                throw new IndexOutOfBoundsException("linearCrossEntropy: target " + targets[i] + " at row " + i
                        + " is outside the vocabulary [0, " + vocab + ") and is not the ignore index " + ignoreIndex);
            }
        }
        if (!(count > 0) || Float.isInfinite(count)) {
            throw new IllegalArgumentException("linearCrossEntropy: the token count must be positive and finite, got " + count);
        }
        float[] lse = new float[rows];
        float[] logits = new float[Math.min(CHUNK, Math.max(rows, 1)) * vocab];
        double total = 0;
        for (int r0 = 0; r0 < rows; r0 += CHUNK) {
            int n = Math.min(CHUNK, rows - r0);
            Backends.get().gemm(false, true, n, vocab, in, 1f, x.data(), x.offset() + r0 * in, in,
                    w.data(), w.offset(), in, 0f, logits, 0, vocab);
            int[] t = Arrays.copyOfRange(targets, r0, r0 + n);
            float[] l = new float[n];
            total += Kernels.crossEntropyForward(logits, 0, n, vocab, t, ignoreIndex, l);
            System.arraycopy(l, 0, lse, r0, n);
        }
        Tensor loss = Tensor.scalar((float) (total / count));
        if (!GradMode.recording(xv, wv)) return Variable.result(loss, null);
        LinearCrossEntropyOp node = new LinearCrossEntropyOp(xv, wv, x, w, targets.clone(), ignoreIndex, count, lse);
        node.hold(4L + rows * 8L); // the scalar loss, plus lse (a float) and the targets' copy (an int) per row
        return Variable.result(loss, node);
    }

    @Override
    void backward(Tensor dy) {
        Tensor gx = gradOf(0), gw = gradOf(1);
        if (gx == null && gw == null) return;
        float scale = dy.data()[dy.offset()] / count;
        int rows = x.rows(), vocab = w.dim(0), in = x.cols();
        var be = Backends.get();
        float[] dl = new float[Math.min(CHUNK, Math.max(rows, 1)) * vocab];
        MemoryMeter.allocate(dl.length * 4L);
        for (int r0 = 0; r0 < rows; r0 += CHUNK) {
            int n = Math.min(CHUNK, rows - r0);
            int[] t = Arrays.copyOfRange(targets, r0, r0 + n);
            boolean any = false;
            for (int v : t) any |= v != ignore;
            if (!any) continue; // every row masked: zero gradient
            be.gemm(false, true, n, vocab, in, 1f, x.data(), x.offset() + r0 * in, in, w.data(), w.offset(), in,
                    0f, dl, 0, vocab);
            float[] l = Arrays.copyOfRange(lse, r0, r0 + n);
            Kernels.crossEntropyGradInPlace(dl, n, vocab, t, ignore, l, scale);
            if (gx != null) {
                be.gemm(false, false, n, in, vocab, 1f, dl, 0, vocab, w.data(), w.offset(), in,
                        1f, gx.data(), gx.offset() + r0 * in, in);
            }
            if (gw != null) {
                be.gemm(true, false, vocab, in, n, 1f, dl, 0, vocab, x.data(), x.offset() + r0 * in, in,
                        1f, gw.data(), gw.offset(), in);
            }
        }
        MemoryMeter.free(dl.length * 4L);
    }

    @Override
    void releaseSaved() {
        x = null;
        w = null;
        targets = null;
        lse = null;
    }
}
