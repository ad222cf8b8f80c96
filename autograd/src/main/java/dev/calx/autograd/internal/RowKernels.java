package dev.calx.autograd.internal;

import dev.calx.tensor.Parallel;

/**
 * Forward and backward row kernels of the fused ops (RMSNorm, SiLU, SwiGLU, cross-entropy) on
 * contiguous row-major buffers. Each backward sits beside its forward. These loops are the
 * obvious reference; {@link VecKernels} has Vector API versions of the hot ones and
 * {@link Kernels} picks one (the tests check one against the other).
 *
 * <p>Conventions: {@code x[xo + r*n + i]} is element i of row r; gradient outputs are
 * accumulated ({@code +=}) so that a value used twice receives both contributions.
 */
public final class RowKernels {
    private RowKernels() {}

    // ------------------------------------------------------------------ RMSNorm

    /** y = x * inv * w with inv[r] = 1/sqrt(mean(x[r]^2) + eps); inv is saved for backward. */
    public static void rmsNormForward(float[] x, int xo, float[] w, int wo, float eps, float[] y, int yo,
                                      float[] inv, int rows, int n) {
        Parallel.forRange(rows, 3L * n, (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xo + r * n, yr = yo + r * n;
                double ss = 0;
                for (int i = 0; i < n; i++) ss += (double) x[xr + i] * x[xr + i];
                float s = (float) (1.0 / Math.sqrt(ss / n + eps));
                inv[r] = s;
                for (int i = 0; i < n; i++) y[yr + i] = x[xr + i] * s * w[wo + i];
            }
        });
    }

    /**
     * dx += inv * (dy*w) - inv^3 * x * sum(dy*w*x) / n;  dw += sum over rows of dy * x * inv.
     * dx or dw may be null (not needed).
     */
    public static void rmsNormBackward(float[] x, int xo, float[] w, int wo, float[] inv, float[] dy, int dyo,
                                       float[] dx, int dxo, float[] dw, int dwo, int rows, int n) {
        if (dx != null) {
            Parallel.forRange(rows, 4L * n, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int xr = xo + r * n, gr = dyo + r * n;
                    float s = inv[r];
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += (double) dy[gr + i] * w[wo + i] * x[xr + i];
                    float c = (float) (dot * s * s * s / n);
                    int dr = dxo + r * n;
                    for (int i = 0; i < n; i++) dx[dr + i] += s * dy[gr + i] * w[wo + i] - c * x[xr + i];
                }
            });
        }
        if (dw != null) {
            // one sequential sum per column (a sum split by rows and combined in completion order
            // would depend on thread timing)
            float[] part = new float[n];
            for (int r = 0; r < rows; r++) {
                int xr = xo + r * n, gr = dyo + r * n;
                for (int i = 0; i < n; i++) part[i] += dy[gr + i] * x[xr + i] * inv[r];
            }
            for (int i = 0; i < n; i++) dw[dwo + i] += part[i];
        }
    }

    // ------------------------------------------------------------------ SiLU / SwiGLU

    public static float sigmoid(float v) {
        return 1f / (1f + (float) Math.exp(-v));
    }

    /** y = x * sigmoid(x) over count elements. */
    public static void siluForward(float[] x, int xo, float[] y, int yo, int count) {
        Parallel.forRange(count, 20, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = x[xo + i];
                y[yo + i] = v * sigmoid(v);
            }
        });
    }

    /** dx += dy * s * (1 + x * (1 - s)) with s = sigmoid(x). */
    public static void siluBackward(float[] x, int xo, float[] dy, int dyo, float[] dx, int dxo, int count) {
        Parallel.forRange(count, 20, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = x[xo + i], s = sigmoid(v);
                dx[dxo + i] += dy[dyo + i] * s * (1f + v * (1f - s));
            }
        });
    }

    /** y = silu(g) * u over count elements. */
    public static void swigluForward(float[] g, int go, float[] u, int uo, float[] y, int yo, int count) {
        Parallel.forRange(count, 20, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = g[go + i];
                y[yo + i] = v * sigmoid(v) * u[uo + i];
            }
        });
    }

    /** dg += dy * u * s * (1 + g * (1 - s)); du += dy * g * s (s = sigmoid(g)); dg or du may be null. */
    public static void swigluBackward(float[] g, int go, float[] u, int uo, float[] dy, int dyo,
                                      float[] dg, int dgo, float[] du, int duo, int count) {
        Parallel.forRange(count, 24, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = g[go + i], s = sigmoid(v), d = dy[dyo + i];
                if (dg != null) dg[dgo + i] += d * u[uo + i] * s * (1f + v * (1f - s));
                if (du != null) du[duo + i] += d * v * s;
            }
        });
    }

    // ------------------------------------------------------------------ cross-entropy

    /**
     * Per row r with targets[r] != ignore: lse[r] = logsumexp(logits[r]) and loss contribution
     * lse[r] - logits[r][target]. Returns the sum of the contributions (double). Ignored rows get
     * lse = NaN (never read).
     */
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
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < v; i++) max = Math.max(max, logits[o + i]);
                double sum = 0;
                for (int i = 0; i < v; i++) sum += Math.exp(logits[o + i] - max);
                double l = max + Math.log(sum);
                lse[r] = (float) l;
                partial[r] = l - logits[o + targets[r]];
            }
        });
        double total = 0;
        for (double p : partial) total += p;
        return total;
    }

    /** dlogits[r] += scale * (softmax(logits[r]) - onehot(target)) for counted rows. */
    public static void crossEntropyBackward(float[] logits, int lo, int rows, int v, int[] targets, int ignore,
                                            float[] lse, float scale, float[] dl, int dlo) {
        Parallel.forRange(rows, 20L * v, (from, to) -> {
            for (int r = from; r < to; r++) {
                if (targets[r] == ignore) continue;
                int o = lo + r * v, d = dlo + r * v;
                float m = lse[r];
                for (int i = 0; i < v; i++) dl[d + i] += scale * (float) Math.exp(logits[o + i] - m);
                dl[d + targets[r]] -= scale;
            }
        });
    }
}
