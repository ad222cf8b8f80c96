package dev.calx.tensor;

/**
 * The obvious, scalar implementation of every kernel: the reference that the fast paths are
 * tested against, and the path used with {@code -Dcalx.simd=false}. Arguments are already
 * checked by the caller.
 *
 * <p>Each method has the contract of the {@link Backend} method of the same name (shapes,
 * layouts, in-place use), minus the checks: arguments that do not fit give wrong results or
 * an {@link ArrayIndexOutOfBoundsException}. Accumulations are in the plain order, in float
 * unless a comment says double, single-threaded.
 */
public final class ScalarKernels {
    private ScalarKernels() {}

    /**
     * The triple loop of {@link Backend#gemm}: each C element is one float dot product over p in order.
     *
     * @param transA whether A is stored [k][m]
     * @param transB whether B is stored [n][k]
     * @param m      rows of C
     * @param n      columns of C
     * @param k      the inner dimension
     * @param alpha  factor on the product
     * @param a      storage of A
     * @param aOff   offset of A in a
     * @param lda    row distance of A
     * @param b      storage of B
     * @param bOff   offset of B in b
     * @param ldb    row distance of B
     * @param beta   factor on the old C; 0 means C is not read
     * @param c      storage of C, written in place
     * @param cOff   offset of C in c
     * @param ldc    row distance of C
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? alpha * acc : alpha * acc + beta * c[ci];
            }
        }
    }

    /**
     * {@link Backend#matmul}: {@code y = x · wᵀ}, converting one weight row at a time with
     * {@link WeightMatrix#rowToFloat}.
     *
     * @param x the activations [T][in]
     * @param w the weights [out][in]
     * @param y the output [T][out]
     */
    public static void matmul(Tensor x, WeightMatrix w, Tensor y) {
        int in = w.cols(), out = w.rows(), t = x.rows();
        float[] row = new float[in];
        float[] xd = x.data(), yd = y.data();
        for (int o = 0; o < out; o++) {
            w.rowToFloat(o, row, 0);
            for (int r = 0; r < t; r++) {
                int xo = x.rowOffset(r);
                float acc = 0;
                for (int i = 0; i < in; i++) acc += xd[xo + i] * row[i];
                yd[y.rowOffset(r) + o] = acc;
            }
        }
    }

    /**
     * {@link Backend#rmsNorm}, with the sum of squares in double.
     *
     * @param x      the input [rows][cols]
     * @param weight the gain, cols contiguous elements from its offset
     * @param eps    added to the mean square
     * @param out    the output [rows][cols]
     */
    public static void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        int n = x.cols();
        float[] xd = x.data(), od = out.data(), wd = weight.data();
        int wo = weight.offset();
        for (int r = 0; r < x.rows(); r++) {
            int xo = x.rowOffset(r), oo = out.rowOffset(r);
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) xd[xo + i] * xd[xo + i];
            float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
            for (int i = 0; i < n; i++) od[oo + i] = xd[xo + i] * inv * wd[wo + i];
        }
    }

    /**
     * {@link Backend#softmax}, with {@code Math.exp} and the normalizing sum in double.
     *
     * @param x      the scores [rows][cols]
     * @param out    the probabilities [rows][cols]
     * @param causal whether row r sees only columns {@code 0 .. pos0 + r}
     * @param pos0   the position of row 0
     */
    public static void softmax(Tensor x, Tensor out, boolean causal, int pos0) {
        int n = x.cols();
        float[] xd = x.data(), od = out.data();
        for (int r = 0; r < x.rows(); r++) {
            int xo = x.rowOffset(r), oo = out.rowOffset(r);
            int valid = causal ? Math.min(n, Math.max(0, pos0 + r + 1)) : n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < valid; i++) max = Math.max(max, xd[xo + i]);
            if (max == Float.NEGATIVE_INFINITY) {
                for (int i = 0; i < n; i++) od[oo + i] = 0;
                continue;
            }
            double sum = 0;
            for (int i = 0; i < valid; i++) {
                float e = (float) Math.exp(xd[xo + i] - max);
                od[oo + i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < valid; i++) od[oo + i] *= inv;
            for (int i = valid; i < n; i++) od[oo + i] = 0;
        }
    }

    /**
     * {@link Backend#rope}: the angles are computed in double per call (no table), then
     * rounded to float for the rotation.
     *
     * @param x       the rows to rotate in place, [T][nHeads * headDim]
     * @param headDim the head size (even)
     * @param pos0    the position of row 0
     * @param theta   the RoPE base
     * @param inverse rotate by the negative angle
     */
    public static void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse) {
        float[] xd = x.data();
        int n = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            int xo = x.rowOffset(r);
            int pos = pos0 + r;
            for (int i = 0; i < headDim; i += 2) {
                double freq = 1.0 / Math.pow(theta, (double) i / headDim);
                double ang = pos * freq;
                float cos = (float) Math.cos(ang), sin = (float) Math.sin(ang);
                if (inverse) sin = -sin;
                for (int h = 0; h < n; h += headDim) {
                    int p = xo + h + i;
                    float a = xd[p], b = xd[p + 1];
                    xd[p] = a * cos - b * sin;
                    xd[p + 1] = a * sin + b * cos;
                }
            }
        }
    }

    /**
     * SiLU of one value, {@code v / (1 + e^-v)}; the vector kernels use it for their tails.
     *
     * @param v the input
     * @return {@code v * sigmoid(v)}
     */
    public static float silu(float v) {
        return v / (1f + (float) Math.exp(-v));
    }

    /**
     * {@link Backend#silu}, elementwise with {@link #silu(float)}.
     *
     * @param x   the input [rows][cols]
     * @param out the output [rows][cols]
     */
    public static void silu(Tensor x, Tensor out) {
        float[] xd = x.data(), od = out.data();
        for (int r = 0; r < x.rows(); r++) {
            int xo = x.rowOffset(r), oo = out.rowOffset(r);
            for (int i = 0; i < x.cols(); i++) od[oo + i] = silu(xd[xo + i]);
        }
    }

    /**
     * {@link Backend#swiglu}: {@code out = silu(gate) * up}.
     *
     * @param gate the gate [rows][cols]
     * @param up   the up projection [rows][cols]
     * @param out  the output [rows][cols]
     */
    public static void swiglu(Tensor gate, Tensor up, Tensor out) {
        float[] gd = gate.data(), ud = up.data(), od = out.data();
        for (int r = 0; r < gate.rows(); r++) {
            int go = gate.rowOffset(r), uo = up.rowOffset(r), oo = out.rowOffset(r);
            for (int i = 0; i < gate.cols(); i++) od[oo + i] = silu(gd[go + i]) * ud[uo + i];
        }
    }

    /**
     * {@link Backend#add} or {@link Backend#mul}; b is broadcast when it has one row and a more.
     *
     * @param a   the left operand [rows][cols]
     * @param b   [rows][cols], or one row of cols elements
     * @param out the result [rows][cols]
     * @param add true for a + b, false for a * b
     */
    public static void binary(Tensor a, Tensor b, Tensor out, boolean add) {
        float[] ad = a.data(), bd = b.data(), od = out.data();
        boolean bcast = b.rows() == 1 && a.rows() != 1;
        for (int r = 0; r < a.rows(); r++) {
            int ao = a.rowOffset(r), bo = b.rowOffset(bcast ? 0 : r), oo = out.rowOffset(r);
            for (int i = 0; i < a.cols(); i++) od[oo + i] = add ? ad[ao + i] + bd[bo + i] : ad[ao + i] * bd[bo + i];
        }
    }

    /**
     * {@link Backend#scale}: {@code out = a * s}.
     *
     * @param a   the input [rows][cols]
     * @param s   the factor
     * @param out the output [rows][cols]
     */
    public static void scale(Tensor a, float s, Tensor out) {
        float[] ad = a.data(), od = out.data();
        for (int r = 0; r < a.rows(); r++) {
            int ao = a.rowOffset(r), oo = out.rowOffset(r);
            for (int i = 0; i < a.cols(); i++) od[oo + i] = ad[ao + i] * s;
        }
    }

    /**
     * {@link Backend#argmax}: first index of the largest non-NaN entry per row.
     *
     * @param x the values [rows][cols]
     * @return one index per row, 0 for a row that is all NaN
     */
    public static int[] argmax(Tensor x) {
        int[] res = new int[x.rows()];
        float[] xd = x.data();
        for (int r = 0; r < x.rows(); r++) {
            int xo = x.rowOffset(r), best = 0;
            float bv = Float.NaN;
            for (int i = 0; i < x.cols(); i++) {
                float v = xd[xo + i];
                if (Float.isNaN(v)) continue;
                if (Float.isNaN(bv) || v > bv) {
                    bv = v;
                    best = i;
                }
            }
            res[r] = best;
        }
        return res;
    }

    /**
     * {@link Backend#crossEntropy}, with the log-sum-exp in double.
     *
     * @param logits      the logits [N][V]
     * @param targets     N targets in [0, V) or ignoreIndex
     * @param ignoreIndex the target of rows that do not count
     * @param loss        receives the per-row losses (0 for ignored rows), or null
     * @param grad        receives {@code gradScale * (softmax - onehot)} [N][V], or null
     * @param gradScale   factor on the gradient
     * @return the sum of the counted rows' losses, in nats
     */
    public static double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale) {
        int v = logits.cols();
        float[] ld = logits.data();
        double total = 0;
        for (int r = 0; r < logits.rows(); r++) {
            int lo = logits.rowOffset(r);
            if (targets[r] == ignoreIndex) {
                if (loss != null) loss[r] = 0;
                if (grad != null) java.util.Arrays.fill(grad.data(), grad.rowOffset(r), grad.rowOffset(r) + v, 0f);
                continue;
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < v; i++) max = Math.max(max, ld[lo + i]);
            double sum = 0;
            for (int i = 0; i < v; i++) sum += Math.exp(ld[lo + i] - max);
            double lse = max + Math.log(sum);
            double l = lse - ld[lo + targets[r]];
            if (loss != null) loss[r] = (float) l;
            total += l;
            if (grad != null) {
                float[] gd = grad.data();
                int go = grad.rowOffset(r);
                for (int i = 0; i < v; i++) gd[go + i] = (float) (Math.exp(ld[lo + i] - lse) * gradScale);
                gd[go + targets[r]] -= gradScale;
            }
        }
        return total;
    }
}
