package dev.calx.tensor;

import java.util.Arrays;

/** Argument checks shared by the backends; every message names the op and the shapes. */
public final class Checks {
    private Checks() {}

    public static void rowsOk(String op, Tensor t) {
        if (!t.hasUniformRows()) {
            throw new ShapeException(op + ": tensor " + Arrays.toString(t.shape()) + " with strides "
                    + Arrays.toString(t.strides()) + " needs stride 1 in its last dimension and uniform rows; call contiguous()");
        }
    }

    public static void rowwise(String op, Tensor x, Tensor out) {
        rowsOk(op, x);
        rowsOk(op, out);
        if (x.rows() != out.rows() || x.cols() != out.cols()) {
            throw ShapeException.of(op, "input", x.shape(), "output", out.shape());
        }
    }

    public static void vector(String what, Tensor v, int n) {
        if (v.size() != n || !v.hasUniformRows() || v.rows() != 1 && v.cols() != n) {
            throw new ShapeException(what + ": expected a vector of length " + n + " but got shape " + Arrays.toString(v.shape()));
        }
    }

    public static void broadcast(String op, Tensor a, Tensor b, Tensor out) {
        rowwise(op, a, out);
        rowsOk(op, b);
        boolean same = b.rows() == a.rows() && b.cols() == a.cols();
        boolean row = b.rows() == 1 && b.cols() == a.cols();
        if (!same && !row) throw ShapeException.of(op, "left operand", a.shape(), "right operand", b.shape());
    }

    public static void rope(Tensor x, int headDim, int pos0) {
        rope(x, headDim);
        if (pos0 < 0) throw new IllegalArgumentException("rope: negative position " + pos0);
    }

    public static void rope(Tensor x, int headDim) {
        rowsOk("rope", x);
        if (headDim <= 0 || headDim % 2 != 0 || x.cols() % headDim != 0) {
            throw new ShapeException("rope: head dim " + headDim + " must be even and divide the row length of "
                    + Arrays.toString(x.shape()));
        }
    }

    public static void matmul(Tensor x, WeightMatrix w, Tensor y) {
        rowsOk("matmul", x);
        rowsOk("matmul", y);
        if (x.cols() != w.cols() || y.cols() != w.rows() || x.rows() != y.rows()) {
            throw new ShapeException("matmul y = x·wᵀ: x has shape " + Arrays.toString(x.shape()) + ", w is ["
                    + w.rows() + "][" + w.cols() + "] (" + w.dtype() + "), y has shape " + Arrays.toString(y.shape())
                    + "; need x [T][in], w [out][in], y [T][out]");
        }
    }

    public static void embedding(WeightMatrix table, int[] ids, Tensor out) {
        rowsOk("embedding", out);
        if (out.rows() != ids.length || out.cols() != table.cols()) {
            throw new ShapeException("embedding: " + ids.length + " ids of a [" + table.rows() + "][" + table.cols()
                    + "] table need an output [" + ids.length + "][" + table.cols() + "] but got " + Arrays.toString(out.shape()));
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= table.rows()) {
                throw new IndexOutOfBoundsException("embedding: id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + table.rows() + ")");
            }
        }
    }

    public static void crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad) {
        rowsOk("crossEntropy", logits);
        int n = logits.rows(), v = logits.cols();
        if (targets.length != n) {
            throw new ShapeException("crossEntropy: logits " + Arrays.toString(logits.shape()) + " have " + n
                    + " rows but there are " + targets.length + " targets");
        }
        if (loss != null && loss.length < n) {
            throw new ShapeException("crossEntropy: loss array of " + loss.length + " for " + n + " rows");
        }
        if (grad != null) rowwise("crossEntropy grad", logits, grad);
        for (int i = 0; i < n; i++) {
            if (targets[i] != ignoreIndex && (targets[i] < 0 || targets[i] >= v)) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + targets[i] + " at row " + i
                        + " is outside [0, " + v + ")");
            }
        }
    }

    public static void gemmArgs(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new ShapeException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        span("gemm A" + (transA ? "ᵀ" : ""), a, aOff, aRows, aCols, lda);
        span("gemm B" + (transB ? "ᵀ" : ""), b, bOff, bRows, bCols, ldb);
        span("gemm C", c, cOff, m, n, ldc);
    }

    private static void span(String what, float[] arr, int off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ShapeException(what + ": leading dimension " + ld + " < columns " + cols);
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > arr.length) {
            throw new ShapeException(what + ": [" + rows + "][" + cols + "] with leading dimension " + ld
                    + " at offset " + off + " needs " + last + " floats but the array has " + arr.length);
        }
    }
}
