package dev.calx.autograd;

import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * Row lookup {@code out[i] = table[ids[i]]}. The backward adds each output gradient row into
 * the table's gradient row ids[i] only: the other rows of the (large) embedding gradient are
 * never touched.
 */
final class EmbeddingOp extends Node {
    private int[] ids;
    private final int dim;

    private EmbeddingOp(Variable table, int[] ids, int dim) {
        super("embedding", new int[]{ids.length, dim}, table);
        this.ids = ids;
        this.dim = dim;
    }

    static Variable apply(Variable tv, int[] ids) {
        Tensor table = tv.value().contiguous();
        if (table.rank() != 2) {
            throw new ShapeException("embedding: table " + tv.label() + " must be [vocab][dim] but has shape "
                    + Arrays.toString(table.shape()));
        }
        int vocab = table.dim(0), dim = table.dim(1);
        Tensor out = Tensor.zeros(ids.length, dim);
        float[] src = table.data(), dst = out.data();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IndexOutOfBoundsException("embedding: id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ") of " + tv.label());
            }
            System.arraycopy(src, table.offset() + ids[i] * dim, dst, i * dim, dim);
        }
        if (!GradMode.recording(tv)) return Variable.result(out, null);
        EmbeddingOp node = new EmbeddingOp(tv, ids.clone(), dim);
        node.hold(out.size() * 4L);
        return Variable.result(out, node);
    }

    @Override
    void backward(Tensor dy) {
        Tensor gt = gradOf(0);
        if (gt == null) return;
        float[] g = gt.data(), d = dy.data();
        for (int i = 0; i < ids.length; i++) {
            int go = gt.offset() + ids[i] * dim, o = dy.offset() + i * dim;
            for (int c = 0; c < dim; c++) g[go + c] += d[o + c];
        }
    }

    @Override
    void releaseSaved() {
        ids = null;
    }
}
