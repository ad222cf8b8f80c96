package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Vector API versions of the row kernels (the scalar references are in {@link ScalarKernels}).
 * Each walks a row with full vectors and finishes the tail with scalar code; rows are spread
 * over the pool by {@link Parallel#forRange} when the whole op is big enough. Arguments are
 * already checked by {@link CpuBackend}.
 */
final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private VectorKernels() {}

    static void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        int n = x.cols();
        float[] xd = x.data(), od = out.data(), wd = weight.data();
        int wo = weight.offset();
        Parallel.forRange(x.rows(), 4L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = x.rowOffset(r), oo = out.rowOffset(r);
                FloatVector s0 = FloatVector.zero(F), s1 = s0;
                int i = 0;
                for (; i <= n - 2 * L; i += 2 * L) {
                    FloatVector a = FloatVector.fromArray(F, xd, xo + i), b = FloatVector.fromArray(F, xd, xo + i + L);
                    s0 = a.fma(a, s0);
                    s1 = b.fma(b, s1);
                }
                double ss = s0.add(s1).reduceLanes(VectorOperators.ADD);
                for (; i < n; i++) ss += (double) xd[xo + i] * xd[xo + i];
                float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
                i = 0;
                for (; i <= n - L; i += L) {
                    FloatVector.fromArray(F, xd, xo + i).mul(inv).mul(FloatVector.fromArray(F, wd, wo + i)).intoArray(od, oo + i);
                }
                for (; i < n; i++) od[oo + i] = xd[xo + i] * inv * wd[wo + i];
            }
        });
    }

    /** Largest of x[o .. o+n), or -inf for an empty range. */
    static float max(float[] x, int o, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) m = m.max(FloatVector.fromArray(F, x, o + i));
        float mx = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) mx = Math.max(mx, x[o + i]);
        return mx;
    }

    /** dst[d+i] = exp(x[o+i] - shift); returns the sum (float vector accumulation, then double). */
    static double expShift(float[] x, int o, int n, float shift, float[] dst, int d) {
        FloatVector sv = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, o + i).sub(sv).lanewise(VectorOperators.EXP);
            if (dst != null) e.intoArray(dst, d + i);
            acc = acc.add(e);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[o + i] - shift);
            if (dst != null) dst[d + i] = e;
            sum += e;
        }
        return sum;
    }

    static void scaleInPlace(float[] x, int o, int n, float s) {
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(F, x, o + i).mul(s).intoArray(x, o + i);
        for (; i < n; i++) x[o + i] *= s;
    }

    static void softmax(Tensor x, Tensor out, boolean causal, int pos0) {
        int n = x.cols();
        float[] xd = x.data(), od = out.data();
        Parallel.forRange(x.rows(), 8L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = x.rowOffset(r), oo = out.rowOffset(r);
                int valid = causal ? Math.min(n, Math.max(0, pos0 + r + 1)) : n;
                float mx = max(xd, xo, valid);
                if (mx == Float.NEGATIVE_INFINITY) {
                    Arrays.fill(od, oo, oo + n, 0f);
                    continue;
                }
                double sum = expShift(xd, xo, valid, mx, od, oo);
                scaleInPlace(od, oo, valid, (float) (1.0 / sum));
                Arrays.fill(od, oo + valid, oo + n, 0f);
            }
        });
    }

    static void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse) {
        int n = x.cols(), rows = x.rows();
        RopeTable t = RopeTable.get(headDim, theta, pos0 + rows);
        float[] xd = x.data();
        Parallel.forRange(rows, 3L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = x.rowOffset(r);
                int to = (pos0 + r) * headDim;
                float[] cos = t.cos(), sin = t.sin();
                for (int h = 0; h < n; h += headDim) {
                    int i = 0;
                    if (headDim >= L) {
                        for (; i <= headDim - L; i += L) {
                            FloatVector v = FloatVector.fromArray(F, xd, xo + h + i);
                            FloatVector sw = v.rearrange(RopeTable.SWAP_PAIRS);
                            FloatVector c = FloatVector.fromArray(F, cos, to + i), s = FloatVector.fromArray(F, sin, to + i);
                            FloatVector rs = inverse ? v.mul(c).sub(sw.mul(s)) : v.mul(c).add(sw.mul(s));
                            rs.intoArray(xd, xo + h + i);
                        }
                    }
                    for (; i < headDim; i += 2) {
                        int p = xo + h + i;
                        float a = xd[p], b = xd[p + 1];
                        float c = cos[to + i], s = sin[to + i + 1];
                        if (inverse) s = -s;
                        xd[p] = a * c - b * s;
                        xd[p + 1] = a * s + b * c;
                    }
                }
            }
        });
    }

    private static FloatVector silu(FloatVector v) {
        return v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    static void silu(Tensor x, Tensor out) {
        int n = x.cols();
        float[] xd = x.data(), od = out.data();
        Parallel.forRange(x.rows(), 8L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = x.rowOffset(r), oo = out.rowOffset(r);
                int i = 0;
                for (; i <= n - L; i += L) silu(FloatVector.fromArray(F, xd, xo + i)).intoArray(od, oo + i);
                for (; i < n; i++) od[oo + i] = ScalarKernels.silu(xd[xo + i]);
            }
        });
    }

    static void swiglu(Tensor gate, Tensor up, Tensor out) {
        int n = gate.cols();
        float[] gd = gate.data(), ud = up.data(), od = out.data();
        Parallel.forRange(gate.rows(), 8L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int go = gate.rowOffset(r), uo = up.rowOffset(r), oo = out.rowOffset(r);
                int i = 0;
                for (; i <= n - L; i += L) {
                    silu(FloatVector.fromArray(F, gd, go + i)).mul(FloatVector.fromArray(F, ud, uo + i)).intoArray(od, oo + i);
                }
                for (; i < n; i++) od[oo + i] = ScalarKernels.silu(gd[go + i]) * ud[uo + i];
            }
        });
    }

    static void binary(Tensor a, Tensor b, Tensor out, boolean add) {
        int n = a.cols();
        float[] ad = a.data(), bd = b.data(), od = out.data();
        boolean bcast = b.rows() == 1 && a.rows() != 1;
        Parallel.forRange(a.rows(), n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ao = a.rowOffset(r), bo = b.rowOffset(bcast ? 0 : r), oo = out.rowOffset(r);
                int i = 0;
                for (; i <= n - L; i += L) {
                    FloatVector va = FloatVector.fromArray(F, ad, ao + i), vb = FloatVector.fromArray(F, bd, bo + i);
                    (add ? va.add(vb) : va.mul(vb)).intoArray(od, oo + i);
                }
                for (; i < n; i++) od[oo + i] = add ? ad[ao + i] + bd[bo + i] : ad[ao + i] * bd[bo + i];
            }
        });
    }

    static void scale(Tensor a, float s, Tensor out) {
        int n = a.cols();
        float[] ad = a.data(), od = out.data();
        Parallel.forRange(a.rows(), n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ao = a.rowOffset(r), oo = out.rowOffset(r);
                int i = 0;
                for (; i <= n - L; i += L) FloatVector.fromArray(F, ad, ao + i).mul(s).intoArray(od, oo + i);
                for (; i < n; i++) od[oo + i] = ad[ao + i] * s;
            }
        });
    }

    /** First index of the largest non-NaN entry; 0 when the row is all NaN (as the scalar path). */
    static int argmaxRow(float[] x, int o, int n) {
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, o + i);
            VectorMask<Float> ok = v.compare(VectorOperators.EQ, v); // false for NaN lanes
            m = m.max(v.blend(Float.NEGATIVE_INFINITY, ok.not()));
        }
        float mx = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) if (x[o + i] > mx) mx = x[o + i];
        i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Float> eq = FloatVector.fromArray(F, x, o + i).compare(VectorOperators.EQ, mx);
            if (eq.anyTrue()) return i + eq.firstTrue();
        }
        for (; i < n; i++) if (x[o + i] == mx) return i;
        return 0;
    }

    static int[] argmax(Tensor x) {
        int[] res = new int[x.rows()];
        float[] xd = x.data();
        int n = x.cols();
        Parallel.forRange(x.rows(), 2L * n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) res[r] = argmaxRow(xd, x.rowOffset(r), n);
        });
        return res;
    }

    static double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale) {
        int v = logits.cols(), rows = logits.rows();
        float[] ld = logits.data();
        double[] rowLoss = new double[rows];
        Parallel.forRange(rows, 16L * v, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int lo = logits.rowOffset(r);
                if (targets[r] == ignoreIndex) {
                    if (grad != null) Arrays.fill(grad.data(), grad.rowOffset(r), grad.rowOffset(r) + v, 0f);
                    continue;
                }
                float mx = max(ld, lo, v);
                double sum = expShift(ld, lo, v, mx, null, 0);
                double lse = mx + Math.log(sum);
                rowLoss[r] = lse - ld[lo + targets[r]];
                if (grad != null) {
                    float[] gd = grad.data();
                    int go = grad.rowOffset(r);
                    // softmax * scale = exp(x - lse) * scale
                    expShift(ld, lo, v, (float) lse, gd, go);
                    scaleInPlace(gd, go, v, gradScale);
                    gd[go + targets[r]] -= gradScale;
                }
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) {
            if (loss != null) loss[r] = (float) rowLoss[r];
            total += rowLoss[r];
        }
        return total;
    }
}
