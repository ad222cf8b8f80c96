package dev.calx.autograd;

import dev.calx.autograd.internal.Kernels;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * Fused RMSNorm over the last dimension: {@code y = x / sqrt(mean(x²) + eps) * w}. Saves x and
 * the per-row inverse RMS; the backward is one pass per row (no intermediate tensors).
 */
final class RmsNormOp extends Node {
    private Tensor x, w;
    private float[] inv;

    private RmsNormOp(Variable xv, Variable wv, Tensor x, Tensor w, float[] inv) {
        super("rmsNorm", x.shape(), xv, wv);
        this.x = x;
        this.w = w;
        this.inv = inv;
    }

    static Variable apply(Variable xv, Variable wv, float eps) {
        Tensor x = xv.value().contiguous(), w = wv.value().contiguous();
        if (w.size() != x.cols() || w.rows() != 1) {
            throw new ShapeException("rmsNorm: weight " + wv.label() + " has shape " + Arrays.toString(w.shape())
                    + " but the input " + xv.label() + " has shape " + Arrays.toString(x.shape())
                    + "; expected a weight of length " + x.cols());
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("rmsNorm: eps must be >= 0, got " + eps);
        int rows = x.rows(), n = x.cols();
        Tensor y = Tensor.zeros(x.shape());
        float[] inv = new float[rows];
        Kernels.rmsNormForward(x.data(), x.offset(), w.data(), w.offset(), eps, y.data(), 0, inv, rows, n);
        if (!GradMode.recording(xv, wv)) return Variable.result(y, null);
        RmsNormOp node = new RmsNormOp(xv, wv, x, w, inv);
        node.hold(y.size() * 4L + rows * 4L);
        return Variable.result(y, node);
    }

    @Override
    void backward(Tensor dy) {
        Tensor gx = gradOf(0), gw = gradOf(1);
        Kernels.rmsNormBackward(x.data(), x.offset(), w.data(), w.offset(), inv, dy.data(), dy.offset(),
                gx == null ? null : gx.data(), gx == null ? 0 : gx.offset(),
                gw == null ? null : gw.data(), gw == null ? 0 : gw.offset(), x.rows(), x.cols());
    }

    @Override
    void releaseSaved() {
        x = null;
        w = null;
        inv = null;
    }
}
