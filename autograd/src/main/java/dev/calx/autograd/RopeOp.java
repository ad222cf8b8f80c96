package dev.calx.autograd;

import dev.calx.autograd.internal.RopeKernels;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * Rotary embedding (interleaved pairs, Meta / llama2.c convention) on rows of
 * {@code [heads * headDim]} with a position per row. The output is a new tensor (the input may
 * be saved by its producer). Backward rotates the gradient by the inverse angle; nothing but
 * the positions is saved.
 */
final class RopeOp extends Node {
    private final int headDim;
    private final float theta;
    private int[] positions;

    private RopeOp(Variable xv, int[] shape, int headDim, float theta, int[] positions) {
        super("rope", shape, xv);
        this.headDim = headDim;
        this.theta = theta;
        this.positions = positions;
    }

    static Variable apply(Variable xv, int headDim, float theta, int[] positions) {
        Tensor x = xv.value().contiguous();
        if (headDim <= 0 || headDim % 2 != 0 || x.cols() % headDim != 0) {
            throw new ShapeException("rope: head dim " + headDim + " must be even and divide the row length of "
                    + xv.label() + " " + Arrays.toString(x.shape()));
        }
        if (positions.length != x.rows()) {
            throw new ShapeException("rope: " + positions.length + " positions for the " + x.rows() + " rows of "
                    + xv.label() + " " + Arrays.toString(x.shape()));
        }
        if (!(theta > 0)) throw new IllegalArgumentException("rope: theta must be > 0, got " + theta);
        Tensor y = Tensor.zeros(x.shape());
        RopeKernels.apply(x.data(), x.offset(), y.data(), 0, x.rows(), x.cols(), headDim, theta, positions, false, false);
        if (!GradMode.recording(xv)) return Variable.result(y, null);
        RopeOp node = new RopeOp(xv, x.shape(), headDim, theta, positions.clone());
        node.hold(y.size() * 4L);
        return Variable.result(y, node);
    }

    /** Positions 0..seq-1 for each of batch sequences laid out one after the other. */
    static int[] positions(int rows, int batch) {
        if (batch <= 0 || rows % batch != 0) {
            throw new ShapeException("rope: " + rows + " rows do not split into " + batch + " sequences");
        }
        int seq = rows / batch;
        int[] p = new int[rows];
        for (int r = 0; r < rows; r++) p[r] = r % seq;
        return p;
    }

    @Override
    void backward(Tensor dy) {
        Tensor gx = gradOf(0);
        if (gx == null) return;
        RopeKernels.apply(dy.data(), dy.offset(), gx.data(), gx.offset(), dy.rows(), dy.cols(), headDim, theta,
                positions, true, true);
    }

    @Override
    void releaseSaved() {
        positions = null;
    }
}
