package dev.calx.autograd;

import dev.calx.autograd.internal.AttentionKernels;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * Fused causal scaled-dot-product attention with grouped-query heads (see
 * {@link AttentionKernels}). Saves q, k, v, the output and one log-sum-exp per (row, head);
 * probabilities are recomputed in backward, never stored.
 */
final class AttentionOp extends Node {
    private final AttentionKernels.Shape shape;
    private Tensor q, k, v, out;
    private float[] lse;

    private AttentionOp(Variable qv, Variable kv, Variable vv, AttentionKernels.Shape shape,
                        Tensor q, Tensor k, Tensor v, Tensor out, float[] lse) {
        super("attention", out.shape(), qv, kv, vv);
        this.shape = shape;
        this.q = q;
        this.k = k;
        this.v = v;
        this.out = out;
        this.lse = lse;
    }

    static Variable apply(Variable qv, Variable kv, Variable vv, int batch, int heads, int kvHeads, int[] segmentIds) {
        Tensor q = qv.value().contiguous(), k = kv.value().contiguous(), v = vv.value().contiguous();
        String shapes = " (q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ", v "
                + Arrays.toString(v.shape()) + ", batch " + batch + ", heads " + heads + ", kv heads " + kvHeads + ")";
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ShapeException("attention: heads " + heads + " must be a positive multiple of kv heads " + kvHeads + shapes);
        }
        if (q.cols() % heads != 0) throw new ShapeException("attention: q's row length is not a multiple of the heads" + shapes);
        int hd = q.cols() / heads, n = q.rows();
        if (k.cols() != kvHeads * hd || !k.sameShape(v) || k.rows() != n) {
            throw new ShapeException("attention: k and v must be [" + n + "][" + kvHeads * hd + "]" + shapes);
        }
        if (batch <= 0 || n % batch != 0) throw new ShapeException("attention: rows do not split into the batch" + shapes);
        int seq = n / batch;
        AttentionKernels.Shape s = new AttentionKernels.Shape(batch, seq, heads, kvHeads, hd, starts(segmentIds, batch, seq));
        Tensor out = Tensor.zeros(q.shape());
        float[] lse = new float[batch * heads * seq];
        AttentionKernels.forward(s, q.data(), q.offset(), k.data(), k.offset(), v.data(), v.offset(), out.data(), 0, lse);
        if (!GradMode.recording(qv, kv, vv)) return Variable.result(out, null);
        AttentionOp node = new AttentionOp(qv, kv, vv, s, q, k, v, out, lse);
        node.hold(out.size() * 4L + lse.length * 4L);
        return Variable.result(out, node);
    }

    /** For packed samples: row t sees keys from the start of its run of equal segment ids. */
    static int[] starts(int[] segmentIds, int batch, int seq) {
        if (segmentIds == null) return null;
        if (segmentIds.length != batch * seq) {
            throw new ShapeException("attention: " + segmentIds.length + " segment ids for " + batch + " x " + seq + " tokens");
        }
        int[] st = new int[segmentIds.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                int i = b * seq + t;
                st[i] = t > 0 && segmentIds[i] == segmentIds[i - 1] ? st[i - 1] : t;
            }
        }
        return st;
    }

    @Override
    void backward(Tensor dy) {
        Tensor gq = gradOf(0), gk = gradOf(1), gv = gradOf(2);
        if (gq != null && (gq == gk || gq == gv) || gk != null && gk == gv) {
            throw new UnsupportedOperationException("attention: q, k and v must be different values to differentiate");
        }
        AttentionKernels.backward(shape, q.data(), q.offset(), k.data(), k.offset(), v.data(), v.offset(),
                out.data(), out.offset(), lse, dy.data(), dy.offset(),
                gq == null ? null : gq.data(), gq == null ? 0 : gq.offset(),
                gk == null ? null : gk.data(), gk == null ? 0 : gk.offset(),
                gv == null ? null : gv.data(), gv == null ? 0 : gv.offset());
    }

    @Override
    void releaseSaved() {
        q = k = v = out = null;
        lse = null;
    }
}
