package dev.calx.tensor;

import java.util.Arrays;

/**
 * Argument checks shared by the backends; every message names the op and the shapes.
 * Each method returns normally when the arguments fit and throws otherwise; none of them
 * copies or changes anything. Public for the other Calx modules, not meant for users.
 */
public final class Checks {
    private Checks() {}

    /**
     * Requires a tensor the row kernels can walk: stride 1 in the last dimension, one stride between rows.
     *
     * @param op the operation, for the message
     * @param t  the tensor
     * @throws ShapeException if {@link Tensor#hasUniformRows()} is false
     */
    public static void rowsOk(String op, Tensor t) {
        if (!t.hasUniformRows()) {
            throw new ShapeException(op + ": tensor " + Arrays.toString(t.shape()) + " with strides "
                    + Arrays.toString(t.strides()) + " needs stride 1 in its last dimension and uniform rows; call contiguous()");
        }
    }

    /**
     * Requires two walkable tensors with the same matrix view (equal rows and cols; the shapes
     * themselves may differ, e.g. [2][3][4] and [6][4]).
     *
     * @param op  the operation, for the message
     * @param x   the input
     * @param out the output
     * @throws ShapeException if either lacks uniform rows or their rows or cols differ
     */
    public static void rowwise(String op, Tensor x, Tensor out) {
        rowsOk(op, x);
        rowsOk(op, out);
        if (x.rows() != out.rows() || x.cols() != out.cols()) {
            throw ShapeException.of(op, "input", x.shape(), "output", out.shape());
        }
    }

    /**
     * Requires a vector of n elements: shape [n], [1][n] or another shape with a single row.
     *
     * @param what the argument, for the message (e.g. "rmsNorm weight")
     * @param v    the tensor
     * @param n    the required length
     * @throws ShapeException if v does not have n elements in one walkable row
     */
    public static void vector(String what, Tensor v, int n) {
        if (v.size() != n || !v.hasUniformRows() || v.rows() != 1 && v.cols() != n) {
            throw new ShapeException(what + ": expected a vector of length " + n + " but got shape " + Arrays.toString(v.shape()));
        }
    }

    /**
     * Requires operands of a binary elementwise op: out like a, and b either like a (same rows
     * and cols) or a single row of a's width.
     *
     * @param op  the operation, for the message
     * @param a   the left operand
     * @param b   the right operand, possibly broadcast over a's rows
     * @param out the output
     * @throws ShapeException if a tensor lacks uniform rows or the shapes do not fit
     */
    public static void broadcast(String op, Tensor a, Tensor b, Tensor out) {
        rowwise(op, a, out);
        rowsOk(op, b);
        boolean same = b.rows() == a.rows() && b.cols() == a.cols();
        boolean row = b.rows() == 1 && b.cols() == a.cols();
        if (!same && !row) throw ShapeException.of(op, "left operand", a.shape(), "right operand", b.shape());
    }

    /**
     * {@link #rope(Tensor, int)} plus a non-negative start position.
     *
     * @param x       the tensor to rotate, [T][nHeads * headDim]
     * @param headDim the head size
     * @param pos0    the position of row 0
     * @throws ShapeException           if headDim does not fit x (see {@link #rope(Tensor, int)})
     * @throws IllegalArgumentException if pos0 is negative
     */
    public static void rope(Tensor x, int headDim, int pos0) {
        rope(x, headDim);
        if (pos0 < 0) throw new IllegalArgumentException("rope: negative position " + pos0);
    }

    /**
     * Requires a walkable x whose rows split into heads of an even headDim.
     *
     * @param x       the tensor to rotate, [T][nHeads * headDim]
     * @param headDim the head size
     * @throws ShapeException if x lacks uniform rows, or headDim is not positive, not even, or
     *                        does not divide x's row length
     */
    public static void rope(Tensor x, int headDim) {
        rowsOk("rope", x);
        if (headDim <= 0 || headDim % 2 != 0 || x.cols() % headDim != 0) {
            throw new ShapeException("rope: head dim " + headDim + " must be even and divide the row length of "
                    + Arrays.toString(x.shape()));
        }
    }

    /**
     * Requires the shapes of {@code y = x · wᵀ}: x [T][in], w [out][in], y [T][out].
     *
     * @param x the activations
     * @param w the weights
     * @param y the output
     * @throws ShapeException if x or y lacks uniform rows or a dimension does not match
     */
    public static void matmul(Tensor x, WeightMatrix w, Tensor y) {
        rowsOk("matmul", x);
        rowsOk("matmul", y);
        if (x.cols() != w.cols() || y.cols() != w.rows() || x.rows() != y.rows()) {
            throw new ShapeException("matmul y = x·wᵀ: x has shape " + Arrays.toString(x.shape()) + ", w is ["
                    + w.rows() + "][" + w.cols() + "] (" + w.dtype() + "), y has shape " + Arrays.toString(y.shape())
                    + "; need x [T][in], w [out][in], y [T][out]");
        }
    }

    /**
     * Requires the shapes of {@code ys[i] = x · ws[i]ᵀ} for every i (as {@link #matmul}), as
     * many outputs as weights, and outputs that share no element with x or with each other.
     *
     * @param x  the activations
     * @param ws the weights
     * @param ys the outputs
     * @throws ShapeException if a pair does not fit (the message names its index), the arrays
     *                        differ in length, or two of the tensors overlap
     */
    public static void matmulMany(Tensor x, WeightMatrix[] ws, Tensor[] ys) {
        if (ws.length != ys.length) {
            throw new ShapeException("matmul: " + ws.length + " weight matrices but " + ys.length + " outputs");
        }
        for (int i = 0; i < ws.length; i++) {
            try {
                matmul(x, ws[i], ys[i]);
            } catch (ShapeException e) {
                throw new ShapeException("matmul pair " + i + ": " + e.getMessage());
            }
            if (overlap(x, ys[i])) throw new ShapeException("matmul pair " + i + ": the output overlaps x");
            for (int j = 0; j < i; j++) {
                if (overlap(ys[j], ys[i])) throw new ShapeException("matmul: outputs " + j + " and " + i + " overlap");
            }
        }
    }

    /** Whether a and b share a data array and their element ranges (first to last element) intersect. */
    private static boolean overlap(Tensor a, Tensor b) {
        if (a.data() != b.data() || a.rows() == 0 || b.rows() == 0 || a.cols() == 0 || b.cols() == 0) return false;
        long a0 = a.rowOffset(0), a1 = a.rowOffset(a.rows() - 1) + a.cols();
        long b0 = b.rowOffset(0), b1 = b.rowOffset(b.rows() - 1) + b.cols();
        return a0 < b1 && b0 < a1;
    }

    /**
     * Requires an output [ids.length][dim] and ids inside the table.
     *
     * @param table the table [vocab][dim]
     * @param ids   the token ids
     * @param out   the output
     * @throws ShapeException            if out lacks uniform rows or is not [ids.length][dim]
     * @throws IndexOutOfBoundsException if an id is outside [0, vocab)
     */
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

    /**
     * Requires the arguments of {@link Backend#crossEntropy}: one target per logits row, a loss
     * array of at least that many entries (or null), a gradient like the logits (or null).
     *
     * @param logits      the logits [N][V]
     * @param targets     the targets, N of them
     * @param ignoreIndex the target value of rows that do not count; it is exempt from the range check
     * @param loss        the per-row loss array, or null
     * @param grad        the gradient output, or null
     * @throws ShapeException            if a length or shape does not fit
     * @throws IndexOutOfBoundsException if a counted target is outside [0, V)
     */
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

    /**
     * Requires GEMM operands that fit their arrays (the arguments of {@link Backend#gemm}).
     * An empty operand (a zero dimension) is always accepted.
     *
     * @param transA whether A is stored [k][m]
     * @param transB whether B is stored [n][k]
     * @param m      rows of C
     * @param n      columns of C
     * @param k      the inner dimension
     * @param a      storage of A
     * @param aOff   offset of A in a
     * @param lda    row distance of A, at least A's stored row length
     * @param b      storage of B
     * @param bOff   offset of B in b
     * @param ldb    row distance of B, at least B's stored row length
     * @param c      storage of C
     * @param cOff   offset of C in c
     * @param ldc    row distance of C, at least n
     * @throws ShapeException if a size or offset is negative, a leading dimension is too small,
     *                        or an operand runs past the end of its array
     */
    public static void gemmArgs(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new ShapeException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        // The operand names are built only for a message: decode attention makes a few hundred
        // small gemm calls per token, and none of them should build strings.
        span("gemm A", transA, a, aOff, aRows, aCols, lda);
        span("gemm B", transB, b, bOff, bRows, bCols, ldb);
        span("gemm C", false, c, cOff, m, n, ldc);
    }

    private static void span(String name, boolean transposed, float[] arr, int off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) return;
        if (ld >= cols && off >= 0 && (long) off + (long) (rows - 1) * ld + cols <= arr.length) return;
        String what = transposed ? name + "ᵀ" : name;
        if (ld < cols) throw new ShapeException(what + ": leading dimension " + ld + " < columns " + cols);
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > arr.length) {
            throw new ShapeException(what + ": [" + rows + "][" + cols + "] with leading dimension " + ld
                    + " at offset " + off + " needs " + last + " floats but the array has " + arr.length);
        }
    }
}
