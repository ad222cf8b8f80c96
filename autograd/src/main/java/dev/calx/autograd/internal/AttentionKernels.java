package dev.calx.autograd.internal;

import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Parallel;

/**
 * Causal scaled-dot-product attention with grouped-query heads, forward and backward, on the
 * engine's token-major layout: q and out are {@code [batch*seq][heads*headDim]}, k and v
 * {@code [batch*seq][kvHeads*headDim]}; query head h reads kv head {@code h / (heads/kvHeads)}.
 * Row t of a sequence sees keys {@code start(t) .. t}, where start is 0 (plain causal) or the
 * first token of t's packed sample (attention kept inside each sample).
 *
 * <p>The fast path works on blocks of {@value #BLOCK} query rows: scores for one block
 * ({@code BLOCK x seq}) live in a per-thread scratch, never a full {@code seq x seq} matrix per
 * head. The forward saves only the row log-sum-exp; the backward recomputes the probabilities
 * from it (FlashAttention-2's recipe, with whole key ranges instead of key tiles). All matrix
 * products go through {@link Backends#get()}'s GEMM. {@link #referenceForward} and
 * {@link #referenceBackward} are the obvious per-head loops the fast path is tested against.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    static final int BLOCK = 64;

    /**
     * Sizes of one attention call. starts, when not null, has batch*seq entries: the first key
     * index (within the sequence) that row t may see; it must satisfy 0 <= start <= t.
     */
    public record Shape(int batch, int seq, int heads, int kvHeads, int headDim, int[] starts) {
        int ldq() { return heads * headDim; }
        int ldk() { return kvHeads * headDim; }
        int group() { return heads / kvHeads; }
        int start(int b, int t) { return starts == null ? 0 : starts[b * seq + t]; }
        float scale() { return (float) (1.0 / Math.sqrt(headDim)); }
    }

    /** out = softmax(scale * q·kᵀ, causal) · v; lse[(b*heads + h)*seq + t] = row log-sum-exp. */
    public static void forward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                               float[] out, int oo, float[] lse) {
        forward(s, q, qo, k, ko, v, vo, out, oo, lse, blockRows(s));
    }

    /**
     * Query rows per block: {@value #BLOCK} on the CPU (scratch stays in cache); the whole
     * sequence on other backends, whose GEMMs pay a host-device round trip per call, so that
     * each head costs two large GEMMs instead of many small ones.
     */
    static int blockRows(Shape s) {
        return Backends.get() instanceof dev.calx.tensor.CpuBackend ? BLOCK : Math.max(1, s.seq());
    }

    static void forward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                        float[] out, int oo, float[] lse, int block) {
        Backend be = Backends.get();
        int T = s.seq(), hd = s.headDim(), ldq = s.ldq(), ldk = s.ldk();
        float scale = s.scale();
        Parallel.forRange(s.batch() * s.heads(), 4L * T * T * hd, (from, to) -> {
            float[] p = new float[block * T];
            for (int task = from; task < to; task++) {
                int b = task / s.heads(), h = task % s.heads(), kh = h / s.group();
                for (int t0 = 0; t0 < T; t0 += block) {
                    int t1 = Math.min(T, t0 + block), br = t1 - t0, jLo = minStart(s, b, t0, t1), nk = t1 - jLo;
                    int qOff = qo + (b * T + t0) * ldq + h * hd;
                    int kOff = ko + (b * T + jLo) * ldk + kh * hd, vOff = vo + (b * T + jLo) * ldk + kh * hd;
                    be.gemm(false, true, br, nk, hd, scale, q, qOff, ldq, k, kOff, ldk, 0f, p, 0, nk);
                    for (int i = 0; i < br; i++) {
                        int t = t0 + i;
                        lse[(b * s.heads() + h) * T + t] =
                                Kernels.softmaxRow(p, i * nk, nk, s.start(b, t) - jLo, t - jLo);
                    }
                    be.gemm(false, false, br, hd, nk, 1f, p, 0, nk, v, vOff, ldk, 0f, out, oo + (b * T + t0) * ldq + h * hd, ldq);
                }
            }
        });
    }

    private static int minStart(Shape s, int b, int t0, int t1) {
        if (s.starts() == null) return 0;
        int m = t1;
        for (int t = t0; t < t1; t++) m = Math.min(m, s.start(b, t));
        return m;
    }

    /**
     * Adds the gradients of q, k and v (any may be null: not needed) given dOut. Needs the
     * forward's out and lse.
     */
    public static void backward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                                float[] out, int oo, float[] lse, float[] dout, int doo,
                                float[] dq, int dqo, float[] dk, int dko, float[] dv, int dvo) {
        backward(s, q, qo, k, ko, v, vo, out, oo, lse, dout, doo, dq, dqo, dk, dko, dv, dvo, blockRows(s));
    }

    static void backward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                         float[] out, int oo, float[] lse, float[] dout, int doo,
                         float[] dq, int dqo, float[] dk, int dko, float[] dv, int dvo, int block) {
        Backend be = Backends.get();
        int T = s.seq(), hd = s.headDim(), ldq = s.ldq(), ldk = s.ldk();
        float scale = s.scale();
        // One task per (batch, kv head): the query heads of a group add into the same dK/dV rows,
        // so they run in the same task and no two threads write one gradient row.
        Parallel.forRange(s.batch() * s.kvHeads(), 10L * T * T * hd * s.group(), (from, to) -> {
            float[] p = new float[block * T], dp = new float[block * T], dsum = new float[block];
            for (int task = from; task < to; task++) {
                int b = task / s.kvHeads(), kh = task % s.kvHeads();
                for (int h = kh * s.group(); h < (kh + 1) * s.group(); h++) {
                    for (int t0 = 0; t0 < T; t0 += block) {
                        int t1 = Math.min(T, t0 + block), br = t1 - t0, jLo = minStart(s, b, t0, t1), nk = t1 - jLo;
                        int qOff = qo + (b * T + t0) * ldq + h * hd, rowQ = (b * T + t0) * ldq + h * hd;
                        int kRow = (b * T + jLo) * ldk + kh * hd;
                        be.gemm(false, true, br, nk, hd, scale, q, qOff, ldq, k, ko + kRow, ldk, 0f, p, 0, nk);
                        for (int i = 0; i < br; i++) {
                            int t = t0 + i;
                            Kernels.expRow(p, i * nk, nk, s.start(b, t) - jLo, t - jLo, lse[(b * s.heads() + h) * T + t]);
                        }
                        if (dv != null) {
                            be.gemm(true, false, nk, hd, br, 1f, p, 0, nk, dout, doo + rowQ, ldq, 1f, dv, dvo + kRow, ldk);
                        }
                        if (dq == null && dk == null) continue;
                        be.gemm(false, true, br, nk, hd, 1f, dout, doo + rowQ, ldq, v, vo + kRow, ldk, 0f, dp, 0, nk);
                        for (int i = 0; i < br; i++) {
                            dsum[i] = Kernels.dot(dout, doo + rowQ + i * ldq, out, oo + rowQ + i * ldq, hd);
                        }
                        for (int i = 0; i < br; i++) {
                            int t = t0 + i;
                            Kernels.softmaxGradRow(p, dp, i * nk, nk, s.start(b, t) - jLo, t - jLo, dsum[i]);
                        }
                        if (dq != null) {
                            be.gemm(false, false, br, hd, nk, scale, dp, 0, nk, k, ko + kRow, ldk, 1f, dq, dqo + rowQ, ldq);
                        }
                        if (dk != null) {
                            be.gemm(true, false, nk, hd, br, scale, dp, 0, nk, q, qOff, ldq, 1f, dk, dko + kRow, ldk);
                        }
                    }
                }
            }
        });
    }

    // ------------------------------------------------------------------ reference (obvious loops)

    /** The obvious per-head loops (double accumulation, a full score row per query). */
    public static void referenceForward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                                        float[] out, int oo, float[] lse) {
        int T = s.seq(), hd = s.headDim(), ldq = s.ldq(), ldk = s.ldk();
        double scale = 1.0 / Math.sqrt(hd);
        double[] sc = new double[T];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int kh = h / s.group();
                for (int t = 0; t < T; t++) {
                    int lo = s.start(b, t);
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = lo; j <= t; j++) {
                        double acc = 0;
                        for (int d = 0; d < hd; d++) {
                            acc += (double) q[qo + (b * T + t) * ldq + h * hd + d] * k[ko + (b * T + j) * ldk + kh * hd + d];
                        }
                        sc[j] = acc * scale;
                        max = Math.max(max, sc[j]);
                    }
                    double sum = 0;
                    for (int j = lo; j <= t; j++) sum += Math.exp(sc[j] - max);
                    double l = max + Math.log(sum);
                    lse[(b * s.heads() + h) * T + t] = (float) l;
                    for (int d = 0; d < hd; d++) {
                        double acc = 0;
                        for (int j = lo; j <= t; j++) acc += Math.exp(sc[j] - l) * v[vo + (b * T + j) * ldk + kh * hd + d];
                        out[oo + (b * T + t) * ldq + h * hd + d] = (float) acc;
                    }
                }
            }
        }
    }

    /** The obvious backward: P recomputed per row, dS = P * (dP - rowsum(dO * O)). Adds into dq/dk/dv. */
    public static void referenceBackward(Shape s, float[] q, int qo, float[] k, int ko, float[] v, int vo,
                                         float[] out, int oo, float[] lse, float[] dout, int doo,
                                         float[] dq, int dqo, float[] dk, int dko, float[] dv, int dvo) {
        int T = s.seq(), hd = s.headDim(), ldq = s.ldq(), ldk = s.ldk();
        double scale = 1.0 / Math.sqrt(hd);
        double[] pr = new double[T], dpr = new double[T];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int kh = h / s.group();
                for (int t = 0; t < T; t++) {
                    int lo = s.start(b, t), qr = qo + (b * T + t) * ldq + h * hd;
                    int orow = (b * T + t) * ldq + h * hd;
                    double l = lse[(b * s.heads() + h) * T + t], dsum = 0;
                    for (int d = 0; d < hd; d++) dsum += (double) dout[doo + orow + d] * out[oo + orow + d];
                    for (int j = lo; j <= t; j++) {
                        int kr = (b * T + j) * ldk + kh * hd;
                        double acc = 0, dacc = 0;
                        for (int d = 0; d < hd; d++) {
                            acc += (double) q[qr + d] * k[ko + kr + d];
                            dacc += (double) dout[doo + orow + d] * v[vo + kr + d];
                        }
                        pr[j] = Math.exp(acc * scale - l);
                        dpr[j] = pr[j] * (dacc - dsum);
                    }
                    for (int j = lo; j <= t; j++) {
                        int kr = (b * T + j) * ldk + kh * hd;
                        for (int d = 0; d < hd; d++) {
                            if (dv != null) dv[dvo + kr + d] += (float) (pr[j] * dout[doo + orow + d]);
                            if (dq != null) dq[dqo + orow + d] += (float) (scale * dpr[j] * k[ko + kr + d]);
                            if (dk != null) dk[dko + kr + d] += (float) (scale * dpr[j] * q[qr + d]);
                        }
                    }
                }
            }
        }
    }
}
