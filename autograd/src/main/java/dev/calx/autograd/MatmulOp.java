package dev.calx.autograd;

import dev.calx.tensor.Backends;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;

import java.util.Arrays;

/**
 * C = op(A) · op(B) in the engine's BLAS layouts (op = identity or transpose), through the
 * selected backend's GEMM in both directions. {@code linear(x, w) = x · wᵀ} is
 * (transA = false, transB = true); its backward is dX = dY·W and dW = dYᵀ·X, the two other
 * transformer layouts.
 */
final class MatmulOp extends Node {
    private Tensor a, b;
    private final boolean transA, transB;
    private final int m, n, k;

    private MatmulOp(String op, int[] outShape, Variable av, Variable bv, Tensor a, Tensor b, boolean transA, boolean transB,
                     int m, int n, int k) {
        super(op, outShape, av, bv);
        this.a = a;
        this.b = b;
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
    }

    /**
     * A is [m][k] (any rank when not transposed: leading dims are rows) or, with transA, [k][m];
     * B is [k][n] or, with transB, [n][k]. The result is [m][n] (A's leading dims kept).
     */
    static Variable apply(String op, Variable av, boolean transA, Variable bv, boolean transB) {
        Tensor a = av.value().contiguous(), b = bv.value().contiguous();
        if (b.rank() != 2 || (transA && a.rank() != 2) || a.rank() < 1) {
            throw new ShapeException(op + ": expected matrices but got " + av.label() + " " + Arrays.toString(a.shape())
                    + " and " + bv.label() + " " + Arrays.toString(b.shape()));
        }
        int m = transA ? a.dim(1) : a.rows(), ka = transA ? a.dim(0) : a.cols();
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (ka != kb) {
            throw new ShapeException(op + ": inner dimensions differ: " + av.label() + " " + Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + bv.label() + " " + Arrays.toString(b.shape()) + (transB ? "ᵀ" : "")
                    + " (" + ka + " vs " + kb + ")");
        }
        int[] outShape;
        if (!transA && a.rank() > 2) {
            outShape = a.shape();
            outShape[outShape.length - 1] = n;
        } else {
            outShape = new int[]{m, n};
        }
        Tensor c = Tensor.zeros(outShape);
        Backends.get().gemm(transA, transB, m, n, ka, 1f, a.data(), a.offset(), a.cols(), b.data(), b.offset(), b.cols(),
                0f, c.data(), 0, n);
        if (!GradMode.recording(av, bv)) return Variable.result(c, null);
        MatmulOp node = new MatmulOp(op, outShape, av, bv, a, b, transA, transB, m, n, ka);
        node.hold(c.size() * 4L);
        return Variable.result(c, node);
    }

    @Override
    void backward(Tensor dy) {
        var be = Backends.get();
        float[] g = dy.data();
        int go = dy.offset();
        int lda = a.cols(), ldb = b.cols();
        Tensor ga = gradOf(0);
        if (ga != null) {
            if (!transA) {
                be.gemm(false, !transB, m, k, n, 1f, g, go, n, b.data(), b.offset(), ldb, 1f, ga.data(), ga.offset(), k);
            } else {
                be.gemm(transB, true, k, m, n, 1f, b.data(), b.offset(), ldb, g, go, n, 1f, ga.data(), ga.offset(), m);
            }
        }
        Tensor gb = gradOf(1);
        if (gb != null) {
            if (!transB) {
                be.gemm(!transA, false, k, n, m, 1f, a.data(), a.offset(), lda, g, go, n, 1f, gb.data(), gb.offset(), n);
            } else {
                be.gemm(true, transA, n, k, m, 1f, g, go, n, a.data(), a.offset(), lda, 1f, gb.data(), gb.offset(), k);
            }
        }
    }

    @Override
    void releaseSaved() {
        a = null;
        b = null;
    }
}
