package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM rows computed without packing: used when op(A) has one or two rows (decode-time
 * attention, q·Kᵀ and p·V for a single token), where packing B would touch every element
 * of B once more than the product itself does.
 */
final class SmallGemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private SmallGemm() {}

    /**
     * One row of C: {@code c[cOff + j] = alpha * sum_p arow[p] * op(B)[p][j] + beta * c[cOff + j]},
     * where arow[p] = a[aOff + p * aStep].
     */
    static void row(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff, int aStep,
                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff) {
        float[] x;
        int xo;
        if (aStep == 1) {
            x = a;
            xo = aOff;
        } else {
            x = new float[k];
            xo = 0;
            for (int p = 0; p < k; p++) x[p] = a[aOff + p * aStep];
        }
        if (transB) {
            // op(B)[p][j] = B[j][p]: a dot product per output.
            for (int j = 0; j < n; j++) {
                float v = alpha * dot(x, xo, b, bOff + j * ldb, k);
                c[cOff + j] = beta == 0f ? v : v + beta * c[cOff + j];
            }
        } else {
            // op(B)[p][j] = B[p][j]: accumulate scaled rows of B.
            float[] acc = new float[n];
            for (int p = 0; p < k; p++) axpy(x[xo + p], b, bOff + p * ldb, acc, 0, n);
            for (int j = 0; j < n; j++) {
                float v = alpha * acc[j];
                c[cOff + j] = beta == 0f ? v : v + beta * c[cOff + j];
            }
        }
    }

    /** Sum of x[xo+i] * y[yo+i] over n elements (4 accumulators to hide FMA latency). */
    static float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            s0 = FloatVector.fromArray(F, x, xo + i).fma(FloatVector.fromArray(F, y, yo + i), s0);
            s1 = FloatVector.fromArray(F, x, xo + i + L).fma(FloatVector.fromArray(F, y, yo + i + L), s1);
            s2 = FloatVector.fromArray(F, x, xo + i + 2 * L).fma(FloatVector.fromArray(F, y, yo + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, x, xo + i + 3 * L).fma(FloatVector.fromArray(F, y, yo + i + 3 * L), s3);
        }
        for (; i <= n - L; i += L) {
            s0 = FloatVector.fromArray(F, x, xo + i).fma(FloatVector.fromArray(F, y, yo + i), s0);
        }
        float s = VectorMath.sum(s0.add(s1).add(s2.add(s3))); // not reduceLanes: its bits depend on the JIT tier
        for (; i < n; i++) s += x[xo + i] * y[yo + i];
        return s;
    }

    /** y[yo+i] += s * x[xo+i]. */
    static void axpy(float s, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector sv = FloatVector.broadcast(F, s);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(F, x, xo + i).fma(sv, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += s * x[xo + i];
    }
}
