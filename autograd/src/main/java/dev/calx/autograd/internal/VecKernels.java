package dev.calx.autograd.internal;

import dev.calx.tensor.Parallel;
import dev.calx.tensor.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the hot row kernels (same contracts as {@link RowKernels} and the
 * attention row helpers in {@link Kernels}); checked against them in the tests. exp and lane
 * sums go through {@link VectorMath} (not {@code lanewise(EXP)} / {@code reduceLanes(ADD)}, whose
 * bits change when C2 compiles the code), and scalar tails use the same exp as the vector body, so
 * results depend neither on the JIT tier nor on where a chunk boundary falls: a training step
 * gives the same bits in a cold and in a warm JVM (exact resume).
 */
public final class VecKernels {
    private VecKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    // ------------------------------------------------------------------ attention rows

    /** See {@link Kernels#softmaxRow}. */
    public static float softmaxRow(float[] p, int off, int n, int lo, int hi) {
        int end = hi + 1;
        float max = maxOf(p, off + lo, end - lo);
        FloatVector vmax = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        int j = lo;
        for (; j + L <= end; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, p, off + j).sub(vmax));
            e.intoArray(p, off + j);
            acc = acc.add(e);
        }
        float sum = VectorMath.sum(acc);
        for (; j < end; j++) {
            float e = VectorMath.exp(p[off + j] - max);
            p[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        java.util.Arrays.fill(p, off, off + lo, 0f);
        scaleInPlace(p, off + lo, end - lo, inv);
        java.util.Arrays.fill(p, off + end, off + n, 0f);
        return max + (float) Math.log(sum);
    }

    /** See {@link Kernels#expRow}. */
    public static void expRow(float[] p, int off, int n, int lo, int hi, float lse) {
        int end = hi + 1;
        FloatVector m = FloatVector.broadcast(S, lse);
        int j = lo;
        for (; j + L <= end; j += L) {
            VectorMath.exp(FloatVector.fromArray(S, p, off + j).sub(m)).intoArray(p, off + j);
        }
        for (; j < end; j++) p[off + j] = VectorMath.exp(p[off + j] - lse);
        java.util.Arrays.fill(p, off, off + lo, 0f);
        java.util.Arrays.fill(p, off + end, off + n, 0f);
    }

    /** See {@link Kernels#softmaxGradRow}. */
    public static void softmaxGradRow(float[] p, float[] dp, int off, int n, int lo, int hi, float dsum) {
        int end = hi + 1;
        FloatVector d = FloatVector.broadcast(S, dsum);
        int j = lo;
        for (; j + L <= end; j += L) {
            FloatVector pv = FloatVector.fromArray(S, p, off + j);
            pv.mul(FloatVector.fromArray(S, dp, off + j).sub(d)).intoArray(dp, off + j);
        }
        for (; j < end; j++) dp[off + j] = p[off + j] * (dp[off + j] - dsum);
        java.util.Arrays.fill(dp, off, off + lo, 0f);
        java.util.Arrays.fill(dp, off + end, off + n, 0f);
    }

    /** a[i] = scale * exp(a[i] - m) over [off, off+n). */
    public static void expScaledInPlace(float[] a, int off, int n, float m, float scale) {
        FloatVector mv = FloatVector.broadcast(S, m);
        int i = 0;
        for (; i + L <= n; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, a, off + i).sub(mv)).mul(scale).intoArray(a, off + i);
        }
        for (; i < n; i++) a[off + i] = scale * VectorMath.exp(a[off + i] - m);
    }

    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        float s = VectorMath.sum(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    static float maxOf(float[] a, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) m = m.max(FloatVector.fromArray(S, a, off + i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, a[off + i]);
        return r;
    }

    static void scaleInPlace(float[] a, int off, int n, float s) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, a, off + i).mul(s).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] *= s;
    }

    // ------------------------------------------------------------------ RMSNorm

    public static void rmsNormForward(float[] x, int xo, float[] w, int wo, float eps, float[] y, int yo,
                                      float[] inv, int rows, int n) {
        Parallel.forRange(rows, 3L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xo + r * n, yr = yo + r * n;
                float s = (float) (1.0 / Math.sqrt(dot(x, xr, x, xr, n) / (double) n + eps));
                inv[r] = s;
                int i = 0;
                for (; i + L <= n; i += L) {
                    FloatVector.fromArray(S, x, xr + i).mul(s).mul(FloatVector.fromArray(S, w, wo + i)).intoArray(y, yr + i);
                }
                for (; i < n; i++) y[yr + i] = x[xr + i] * s * w[wo + i];
            }
        });
    }

    public static void rmsNormBackward(float[] x, int xo, float[] w, int wo, float[] inv, float[] dy, int dyo,
                                       float[] dx, int dxo, float[] dw, int dwo, int rows, int n) {
        if (dx != null) {
            Parallel.forRange(rows, 4L * n, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int xr = xo + r * n, gr = dyo + r * n, dr = dxo + r * n;
                    float s = inv[r];
                    FloatVector acc = FloatVector.zero(S);
                    int i = 0;
                    for (; i + L <= n; i += L) {
                        acc = FloatVector.fromArray(S, dy, gr + i).mul(FloatVector.fromArray(S, w, wo + i))
                                .fma(FloatVector.fromArray(S, x, xr + i), acc);
                    }
                    float dot = VectorMath.sum(acc);
                    for (; i < n; i++) dot += dy[gr + i] * w[wo + i] * x[xr + i];
                    float c = dot * s * s * s / n;
                    i = 0;
                    for (; i + L <= n; i += L) {
                        FloatVector g = FloatVector.fromArray(S, dy, gr + i).mul(FloatVector.fromArray(S, w, wo + i)).mul(s);
                        g.sub(FloatVector.fromArray(S, x, xr + i).mul(c)).add(FloatVector.fromArray(S, dx, dr + i))
                                .intoArray(dx, dr + i);
                    }
                    for (; i < n; i++) dx[dr + i] += s * dy[gr + i] * w[wo + i] - c * x[xr + i];
                }
            });
        }
        if (dw != null) rmsNormWeightGrad(x, xo, inv, dy, dyo, dw, dwo, rows, n);
    }

    /**
     * dw[i] += sum over rows, in row order, of dy * x * inv. Split by columns (never by rows), so
     * every column is one sequential sum whatever the thread count: no partial sums combined in
     * completion order.
     */
    static void rmsNormWeightGrad(float[] x, int xo, float[] inv, float[] dy, int dyo, float[] dw, int dwo, int rows, int n) {
        int units = (n + L - 1) / L;
        Parallel.forRange(units, 2L * rows * L, (u0, u1) -> {
            int c0 = u0 * L, c1 = Math.min(n, u1 * L), w = c1 - c0;
            float[] part = new float[w];
            for (int r = 0; r < rows; r++) {
                int xr = xo + r * n + c0, gr = dyo + r * n + c0;
                float s = inv[r];
                int i = 0;
                for (; i + L <= w; i += L) {
                    FloatVector.fromArray(S, dy, gr + i).mul(FloatVector.fromArray(S, x, xr + i)).mul(s)
                            .add(FloatVector.fromArray(S, part, i)).intoArray(part, i);
                }
                for (; i < w; i++) part[i] += dy[gr + i] * x[xr + i] * s;
            }
            for (int i = 0; i < w; i++) dw[dwo + c0 + i] += part[i];
        });
    }

    // ------------------------------------------------------------------ SwiGLU

    /** 1 / (1 + e^-v) with {@link VectorMath#exp(float)}: the bits of a vector lane. */
    static float sigmoid(float v) {
        return 1f / (VectorMath.exp(-v) + 1f);
    }

    public static void swigluForward(float[] g, int go, float[] u, int uo, float[] y, int yo, int count) {
        Parallel.forRange(count, 20, (from, to) -> {
            FloatVector one = FloatVector.broadcast(S, 1f);
            int i = from;
            for (; i + L <= to; i += L) {
                FloatVector v = FloatVector.fromArray(S, g, go + i);
                FloatVector sg = one.div(VectorMath.exp(v.neg()).add(one));
                v.mul(sg).mul(FloatVector.fromArray(S, u, uo + i)).intoArray(y, yo + i);
            }
            for (; i < to; i++) {
                float v = g[go + i];
                y[yo + i] = v * sigmoid(v) * u[uo + i];
            }
        });
    }

    /** Both gradients needed (the usual case); see {@link RowKernels#swigluBackward}. */
    public static void swigluBackward(float[] g, int go, float[] u, int uo, float[] dy, int dyo,
                                      float[] dg, int dgo, float[] du, int duo, int count) {
        Parallel.forRange(count, 24, (from, to) -> {
            FloatVector one = FloatVector.broadcast(S, 1f);
            int i = from;
            for (; i + L <= to; i += L) {
                FloatVector v = FloatVector.fromArray(S, g, go + i);
                FloatVector s = one.div(VectorMath.exp(v.neg()).add(one));
                FloatVector d = FloatVector.fromArray(S, dy, dyo + i);
                FloatVector ds = d.mul(s);
                // dg += dy * u * s * (1 + g * (1 - s)); du += dy * g * s
                ds.mul(FloatVector.fromArray(S, u, uo + i)).mul(v.mul(one.sub(s)).add(one))
                        .add(FloatVector.fromArray(S, dg, dgo + i)).intoArray(dg, dgo + i);
                ds.fma(v, FloatVector.fromArray(S, du, duo + i)).intoArray(du, duo + i);
            }
            for (; i < to; i++) {
                // the vector body's operations, lane for lane
                float v = g[go + i], s = sigmoid(v), ds = dy[dyo + i] * s;
                dg[dgo + i] = ds * u[uo + i] * (v * (1f - s) + 1f) + dg[dgo + i];
                du[duo + i] = Math.fma(ds, v, du[duo + i]);
            }
        });
    }

    // ------------------------------------------------------------------ cross-entropy

    public static double crossEntropyForward(float[] logits, int lo, int rows, int v, int[] targets, int ignore,
                                             float[] lse) {
        double[] partial = new double[rows];
        Parallel.forRange(rows, 20L * v, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (targets[r] == ignore) {
                    lse[r] = Float.NaN;
                    continue;
                }
                int o = lo + r * v;
                float max = maxOf(logits, o, v);
                FloatVector m = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
                int i = 0;
                for (; i + L <= v; i += L) {
                    acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, logits, o + i).sub(m)));
                }
                double sum = VectorMath.sum(acc);
                for (; i < v; i++) sum += VectorMath.exp(logits[o + i] - max);
                double l = max + Math.log(sum);
                lse[r] = (float) l;
                partial[r] = l - logits[o + targets[r]];
            }
        });
        double total = 0;
        for (double p : partial) total += p;
        return total;
    }

    public static void crossEntropyBackward(float[] logits, int lo, int rows, int v, int[] targets, int ignore,
                                            float[] lse, float scale, float[] dl, int dlo) {
        Parallel.forRange(rows, 20L * v, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (targets[r] == ignore) continue;
                int o = lo + r * v, d = dlo + r * v;
                FloatVector m = FloatVector.broadcast(S, lse[r]);
                int i = 0;
                for (; i + L <= v; i += L) {
                    VectorMath.exp(FloatVector.fromArray(S, logits, o + i).sub(m))
                            .mul(scale).add(FloatVector.fromArray(S, dl, d + i)).intoArray(dl, d + i);
                }
                for (; i < v; i++) dl[d + i] += scale * VectorMath.exp(logits[o + i] - lse[r]);
                dl[d + targets[r]] -= scale;
            }
        });
    }
}
