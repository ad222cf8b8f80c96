package dev.calx.llama;

import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Parallel;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * {@code y = x·wᵀ} for a few rows of x (a batched decode step) and fp32 weights, reading each
 * weight row once for all rows of x: two weight rows against four x rows at a time, eight
 * vector accumulators. The backend's GEMM packs (transposes) the whole weight matrix on every
 * call, which costs several times a GEMV when x has only a handful of rows; this kernel costs
 * about one GEMV whatever the number of rows up to a dozen, since decode is bound by reading the
 * weights.
 *
 * <p>Every output element is computed the same way wherever its row sits and whoever shares
 * the call (one vector FMA chain over the input, a lane reduction, a scalar tail), so a
 * sequence's numbers do not depend on the batch. It belongs in the tensor module's CPU
 * {@code matmul} (rows 2..8 of heap fp32 weights currently go to the packed GEMM); it lives here
 * until it moves there. {@link #reference} is the plain loop it is tested against.
 */
final class SmallBatchMatmul {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private SmallBatchMatmul() {}

    /** Whether {@link #matmul} handles these weights (fp32, heap or mapped). */
    static boolean supports(WeightMatrix w) {
        return w instanceof F32Weights;
    }

    /** y[b][o] = dot(x[b], w[o]) for b < x.rows(); x and y contiguous rows. */
    static void matmul(Tensor x, WeightMatrix w, Tensor y) {
        F32Weights f = (F32Weights) w;
        int n = x.rows(), in = w.cols(), out = w.rows();
        if (x.cols() != in || y.cols() != out || y.rows() < n) {
            throw new IllegalArgumentException("SmallBatchMatmul: x " + java.util.Arrays.toString(x.shape()) + ", w ["
                    + out + "][" + in + "], y " + java.util.Arrays.toString(y.shape()));
        }
        float[] xd = x.data(), yd = y.data();
        int xo = x.rowOffset(0), xs = x.rowStride(), yo = y.rowOffset(0), ys = y.rowStride();
        Tensor heap = f.heapTensor();
        float[] wa = heap == null ? null : heap.data();
        int wo = heap == null ? 0 : heap.offset();
        MemorySegment seg = f.segment();
        // Row pairs go out in claimed blocks (about 32 per call), as in the tensor module's GEMV,
        // so neither thread waits for the other; each pair is computed the same in any block.
        int pairs = (out + 1) / 2;
        Parallel.forBlocks(pairs, Math.max(16, (pairs + 31) / 32), 4L * in * n, (p0, p1) -> {
            for (int o = 2 * p0; o < Math.min(out, 2 * p1); o += 2) {
                int rowsHere = Math.min(2, out - o);
                for (int b = 0; b < n; b += 4) {
                    int bs = Math.min(4, n - b);
                    if (rowsHere == 2 && bs == 4) {
                        if (wa != null) tile2x4(wa, wo + o * in, in, xd, xo + b * xs, xs, yd, yo + b * ys + o, ys);
                        else tile2x4(seg, 4L * o * in, in, xd, xo + b * xs, xs, yd, yo + b * ys + o, ys);
                    } else {
                        for (int r = 0; r < rowsHere; r++) {
                            for (int bb = 0; bb < bs; bb++) {
                                int xi = xo + (b + bb) * xs, yi = yo + (b + bb) * ys + o + r;
                                yd[yi] = wa != null ? dot(wa, wo + (o + r) * in, in, xd, xi) : dot(seg, 4L * (o + r) * in, in, xd, xi);
                            }
                        }
                    }
                }
            }
        });
    }

    private static void tile2x4(float[] w, int w0, int n, float[] x, int x0, int xs, float[] y, int y0, int ys) {
        int w1 = w0 + n, xa = x0, xb = x0 + xs, xc = x0 + 2 * xs, xd = x0 + 3 * xs;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector u = FloatVector.fromArray(F, w, w0 + i), v = FloatVector.fromArray(F, w, w1 + i);
            FloatVector x0v = FloatVector.fromArray(F, x, xa + i);
            a0 = u.fma(x0v, a0);
            b0 = v.fma(x0v, b0);
            FloatVector x1v = FloatVector.fromArray(F, x, xb + i);
            a1 = u.fma(x1v, a1);
            b1 = v.fma(x1v, b1);
            FloatVector x2v = FloatVector.fromArray(F, x, xc + i);
            a2 = u.fma(x2v, a2);
            b2 = v.fma(x2v, b2);
            FloatVector x3v = FloatVector.fromArray(F, x, xd + i);
            a3 = u.fma(x3v, a3);
            b3 = v.fma(x3v, b3);
        }
        // no arrays of vectors here: C2 would box them
        y[y0] = finish(a0, i, n, w, w0, x, xa);
        y[y0 + 1] = finish(b0, i, n, w, w1, x, xa);
        y[y0 + ys] = finish(a1, i, n, w, w0, x, xb);
        y[y0 + ys + 1] = finish(b1, i, n, w, w1, x, xb);
        y[y0 + 2 * ys] = finish(a2, i, n, w, w0, x, xc);
        y[y0 + 2 * ys + 1] = finish(b2, i, n, w, w1, x, xc);
        y[y0 + 3 * ys] = finish(a3, i, n, w, w0, x, xd);
        y[y0 + 3 * ys + 1] = finish(b3, i, n, w, w1, x, xd);
    }

    private static void tile2x4(MemorySegment seg, long w0, int n, float[] x, int x0, int xs, float[] y, int y0, int ys) {
        // One slice per weight row, indexed from 0: C2 then range-checks once per loop, not per
        // load (1.6x on mapped weights at batch 8, measured on the calx-default shape; the backend's GEMV does the same).
        MemorySegment r0 = seg.asSlice(w0, 4L * n), r1 = seg.asSlice(w0 + 4L * n, 4L * n);
        int xa = x0, xb = x0 + xs, xc = x0 + 2 * xs, xd = x0 + 3 * xs;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector u = FloatVector.fromMemorySegment(F, r0, 4L * i, LE), v = FloatVector.fromMemorySegment(F, r1, 4L * i, LE);
            FloatVector x0v = FloatVector.fromArray(F, x, xa + i);
            a0 = u.fma(x0v, a0);
            b0 = v.fma(x0v, b0);
            FloatVector x1v = FloatVector.fromArray(F, x, xb + i);
            a1 = u.fma(x1v, a1);
            b1 = v.fma(x1v, b1);
            FloatVector x2v = FloatVector.fromArray(F, x, xc + i);
            a2 = u.fma(x2v, a2);
            b2 = v.fma(x2v, b2);
            FloatVector x3v = FloatVector.fromArray(F, x, xd + i);
            a3 = u.fma(x3v, a3);
            b3 = v.fma(x3v, b3);
        }
        y[y0] = finish(a0, i, n, r0, 0, x, xa);
        y[y0 + 1] = finish(b0, i, n, r1, 0, x, xa);
        y[y0 + ys] = finish(a1, i, n, r0, 0, x, xb);
        y[y0 + ys + 1] = finish(b1, i, n, r1, 0, x, xb);
        y[y0 + 2 * ys] = finish(a2, i, n, r0, 0, x, xc);
        y[y0 + 2 * ys + 1] = finish(b2, i, n, r1, 0, x, xc);
        y[y0 + 3 * ys] = finish(a3, i, n, r0, 0, x, xd);
        y[y0 + 3 * ys + 1] = finish(b3, i, n, r1, 0, x, xd);
    }

    private static final java.lang.foreign.ValueLayout.OfFloat F32_LE =
            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    /** Lane sum of an accumulator plus the scalar tail from i on (the same for tiles and single dots). */
    private static float finish(FloatVector acc, int i, int n, float[] w, int wr, float[] x, int xr) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int j = i; j < n; j++) s += w[wr + j] * x[xr + j];
        return s;
    }

    private static float finish(FloatVector acc, int i, int n, MemorySegment w, long wr, float[] x, int xr) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int j = i; j < n; j++) s += w.get(F32_LE, wr + 4L * j) * x[xr + j];
        return s;
    }

    /** One weight row against one x row, with the same arithmetic as one accumulator of a tile. */
    private static float dot(float[] w, int w0, int n, float[] x, int x0) {
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) a = FloatVector.fromArray(F, w, w0 + i).fma(FloatVector.fromArray(F, x, x0 + i), a);
        return finish(a, i, n, w, w0, x, x0);
    }

    private static float dot(MemorySegment seg, long w0, int n, float[] x, int x0) {
        MemorySegment w = seg.asSlice(w0, 4L * n);
        w0 = 0;
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (; i <= n - L; i += L) a = FloatVector.fromMemorySegment(F, w, w0 + 4L * i, LE).fma(FloatVector.fromArray(F, x, x0 + i), a);
        return finish(a, i, n, w, w0, x, x0);
    }

    /** The obvious loop (double accumulation), for tests. */
    static void reference(Tensor x, WeightMatrix w, Tensor y) {
        int in = w.cols();
        float[] row = new float[in];
        for (int o = 0; o < w.rows(); o++) {
            F32Weights f = (F32Weights) w;
            f.rowToFloat(o, row, 0);
            for (int b = 0; b < x.rows(); b++) {
                double s = 0;
                for (int i = 0; i < in; i++) s += (double) row[i] * x.data()[x.rowOffset(b) + i];
                y.data()[y.rowOffset(b) + o] = (float) s;
            }
        }
    }
}
