package dev.calx.autograd.internal;

/**
 * Picks the Vector API kernel ({@link VecKernels}) or the obvious loop ({@link RowKernels}) for
 * each op; {@code -Dcalx.simd=false} forces the loops. Also the small row helpers of the
 * attention kernels.
 */
public final class Kernels {
    private Kernels() {}

    public static final boolean SIMD = Boolean.parseBoolean(System.getProperty("calx.simd", "true"));

    public static void rmsNormForward(float[] x, int xo, float[] w, int wo, float eps, float[] y, int yo,
                                      float[] inv, int rows, int n) {
        if (SIMD) VecKernels.rmsNormForward(x, xo, w, wo, eps, y, yo, inv, rows, n);
        else RowKernels.rmsNormForward(x, xo, w, wo, eps, y, yo, inv, rows, n);
    }

    public static void rmsNormBackward(float[] x, int xo, float[] w, int wo, float[] inv, float[] dy, int dyo,
                                       float[] dx, int dxo, float[] dw, int dwo, int rows, int n) {
        if (SIMD) VecKernels.rmsNormBackward(x, xo, w, wo, inv, dy, dyo, dx, dxo, dw, dwo, rows, n);
        else RowKernels.rmsNormBackward(x, xo, w, wo, inv, dy, dyo, dx, dxo, dw, dwo, rows, n);
    }

    public static void swigluForward(float[] g, int go, float[] u, int uo, float[] y, int yo, int count) {
        if (SIMD) VecKernels.swigluForward(g, go, u, uo, y, yo, count);
        else RowKernels.swigluForward(g, go, u, uo, y, yo, count);
    }

    public static void swigluBackward(float[] g, int go, float[] u, int uo, float[] dy, int dyo,
                                      float[] dg, int dgo, float[] du, int duo, int count) {
        if (SIMD && dg != null && du != null) VecKernels.swigluBackward(g, go, u, uo, dy, dyo, dg, dgo, du, duo, count);
        else RowKernels.swigluBackward(g, go, u, uo, dy, dyo, dg, dgo, du, duo, count);
    }

    public static double crossEntropyForward(float[] logits, int lo, int rows, int v, int[] targets, int ignore,
                                             float[] lse) {
        if (SIMD) return VecKernels.crossEntropyForward(logits, lo, rows, v, targets, ignore, lse);
        return RowKernels.crossEntropyForward(logits, lo, rows, v, targets, ignore, lse);
    }

    public static void crossEntropyBackward(float[] logits, int lo, int rows, int v, int[] targets, int ignore,
                                            float[] lse, float scale, float[] dl, int dlo) {
        if (SIMD) VecKernels.crossEntropyBackward(logits, lo, rows, v, targets, ignore, lse, scale, dl, dlo);
        else RowKernels.crossEntropyBackward(logits, lo, rows, v, targets, ignore, lse, scale, dl, dlo);
    }

    /**
     * In place: logits rows become {@code scale * (softmax - onehot(target))}; ignored rows
     * become 0 (the fused linear cross-entropy's backward).
     */
    public static void crossEntropyGradInPlace(float[] logits, int rows, int v, int[] targets, int ignore,
                                               float[] lse, float scale) {
        dev.calx.tensor.Parallel.forRange(rows, 20L * v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * v;
                if (targets[r] == ignore) {
                    java.util.Arrays.fill(logits, o, o + v, 0f);
                    continue;
                }
                if (SIMD) VecKernels.expScaledInPlace(logits, o, v, lse[r], scale);
                else for (int i = 0; i < v; i++) logits[o + i] = scale * (float) Math.exp(logits[o + i] - lse[r]);
                logits[o + targets[r]] -= scale;
            }
        });
    }

    // ------------------------------------------------------------------ attention row helpers

    /**
     * Softmax in place over p[off+lo .. off+hi] (inclusive), zeros elsewhere in [off, off+n);
     * returns the log-sum-exp of the valid entries.
     */
    static float softmaxRow(float[] p, int off, int n, int lo, int hi) {
        return SIMD ? VecKernels.softmaxRow(p, off, n, lo, hi) : referenceSoftmaxRow(p, off, n, lo, hi);
    }

    static float referenceSoftmaxRow(float[] p, int off, int n, int lo, int hi) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = lo; j <= hi; j++) max = Math.max(max, p[off + j]);
        float sum = 0;
        for (int j = lo; j <= hi; j++) {
            float e = (float) Math.exp(p[off + j] - max);
            p[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < lo; j++) p[off + j] = 0f;
        for (int j = lo; j <= hi; j++) p[off + j] *= inv;
        for (int j = hi + 1; j < n; j++) p[off + j] = 0f;
        return max + (float) Math.log(sum);
    }

    /** p[j] = exp(p[j] - lse) on [lo, hi], zeros elsewhere in the row. */
    static void expRow(float[] p, int off, int n, int lo, int hi, float lse) {
        if (SIMD) VecKernels.expRow(p, off, n, lo, hi, lse);
        else referenceExpRow(p, off, n, lo, hi, lse);
    }

    static void referenceExpRow(float[] p, int off, int n, int lo, int hi, float lse) {
        for (int j = 0; j < lo; j++) p[off + j] = 0f;
        for (int j = lo; j <= hi; j++) p[off + j] = (float) Math.exp(p[off + j] - lse);
        for (int j = hi + 1; j < n; j++) p[off + j] = 0f;
    }

    /** dp[j] = p[j] * (dp[j] - dsum) on [lo, hi], zeros elsewhere (the softmax backward). */
    static void softmaxGradRow(float[] p, float[] dp, int off, int n, int lo, int hi, float dsum) {
        if (SIMD) VecKernels.softmaxGradRow(p, dp, off, n, lo, hi, dsum);
        else referenceSoftmaxGradRow(p, dp, off, n, lo, hi, dsum);
    }

    static void referenceSoftmaxGradRow(float[] p, float[] dp, int off, int n, int lo, int hi, float dsum) {
        for (int j = 0; j < lo; j++) dp[off + j] = 0f;
        for (int j = lo; j <= hi; j++) dp[off + j] = p[off + j] * (dp[off + j] - dsum);
        for (int j = hi + 1; j < n; j++) dp[off + j] = 0f;
    }

    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        return SIMD ? VecKernels.dot(a, ao, b, bo, n) : referenceDot(a, ao, b, bo, n);
    }

    static float referenceDot(float[] a, int ao, float[] b, int bo, int n) {
        float acc = 0;
        for (int i = 0; i < n; i++) acc += a[ao + i] * b[bo + i];
        return acc;
    }
}
