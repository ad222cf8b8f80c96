package dev.calx.autograd;

import dev.calx.tensor.Tensor;

/**
 * Shape ops. reshape shares storage with its input (a view of a contiguous value); transpose
 * and slice copy into a contiguous result, because every kernel wants contiguous rows. Their
 * backwards route the gradient back through the same view.
 */
final class ShapeOps {
    private ShapeOps() {}

    static Variable reshape(Variable xv, int... shape) {
        Tensor x = xv.value().contiguous();
        Tensor y = x.view(shape); // throws a ShapeException naming both shapes
        if (!GradMode.recording(xv)) return Variable.result(y, null);
        Node node = new Node("reshape", y.shape(), xv) {
            @Override
            void backward(Tensor dy) {
                Tensor gx = gradOf(0);
                if (gx != null) Accumulate.add(gx, dy, 1f);
            }
        };
        return Variable.result(y, node); // shares x's storage: nothing new held
    }

    static Variable transpose(Variable xv, int a, int b) {
        Tensor y = xv.value().transpose(a, b).copy();
        if (!GradMode.recording(xv)) return Variable.result(y, null);
        Node node = new Node("transpose", y.shape(), xv) {
            @Override
            void backward(Tensor dy) {
                Tensor gx = gradOf(0);
                if (gx != null) Accumulate.add(gx, dy.transpose(a, b), 1f);
            }
        };
        node.hold(y.size() * 4L);
        return Variable.result(y, node);
    }

    static Variable slice(Variable xv, int dim, int from, int to) {
        Tensor y = xv.value().slice(dim, from, to).copy();
        if (!GradMode.recording(xv)) return Variable.result(y, null);
        Node node = new Node("slice", y.shape(), xv) {
            @Override
            void backward(Tensor dy) {
                Tensor gx = gradOf(0);
                if (gx == null) return;
                Tensor dst = gx.slice(dim, from, to);
                if (dst.hasUniformRows()) {
                    float[] g = dst.data(), d = dy.data();
                    int cols = dst.cols();
                    for (int r = 0, n = dst.rows(); r < n; r++) {
                        int go = dst.rowOffset(r), o = dy.offset() + r * cols;
                        for (int c = 0; c < cols; c++) g[go + c] += d[o + c];
                    }
                } else {
                    Tensor sum = dst.copy();
                    Accumulate.add(sum, dy, 1f);
                    dst.copyFrom(sum);
                }
            }
        };
        node.hold(y.size() * 4L);
        return Variable.result(y, node);
    }
}
