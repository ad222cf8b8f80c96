package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static dev.calx.tensor.TestData.*;
import static org.junit.jupiter.api.Assertions.*;

/** The packed GEMM against a plain double loop: every transpose combination, alpha/beta, padded leading dims, edges. */
class GemmTest {

    /** C = alpha * op(A) op(B) + beta * C in double, leaving C untouched when beta is 0 semantics say "not read". */
    static float[] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        float[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                            * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                }
                int ci = cOff + i * ldc + j;
                out[ci] = (float) (beta == 0 ? alpha * acc : alpha * acc + beta * (double) c[ci]);
            }
        }
        return out;
    }

    static float[] rand(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static void run(Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad) {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int aOff = 3, bOff = 5, cOff = 7;
        float[] a = rand(r, aOff + (ta ? k : m) * lda), b = rand(r, bOff + (tb ? n : k) * ldb), c = rand(r, cOff + m * ldc);
        if (beta == 0) Arrays.fill(c, Float.NaN); // beta = 0 must not read C
        float[] expect = reference(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        float[] got = c.clone(), scalar = c.clone();
        SIMD.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, got, cOff, ldc);
        SCALAR.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, scalar, cOff, ldc);
        String what = "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha + " beta=" + beta;
        double tol = 1e-5 * Math.sqrt(k + 1);
        for (int i = 0; i < got.length; i++) {
            boolean inC = i >= cOff && (i - cOff) / ldc < m && (i - cOff) % ldc < n;
            if (!inC) {
                assertEquals(Float.floatToRawIntBits(c[i]), Float.floatToRawIntBits(got[i]), what + ": wrote outside C at " + i);
                continue;
            }
            check(what, (i - cOff) / ldc, (i - cOff) % ldc, expect[i], got[i], tol, tol);
            check(what + " (scalar path)", (i - cOff) / ldc, (i - cOff) % ldc, expect[i], scalar[i], tol, tol);
        }
    }

    @Test
    void allTransposeCombinationsMatchDoubleLoopOnOddShapes() {
        Random r = new Random(11);
        int[][] shapes = {{1, 1, 1}, {1, 17, 7}, {2, 65, 33}, {3, 5, 1}, {7, 63, 17}, {17, 1, 65}, {33, 70, 300}, {65, 130, 9}, {130, 67, 257}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                run(r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, 0f, 0);
            }
        }
    }

    @Test
    void alphaBetaAndLeadingDimensionsLargerThanColumns() {
        Random r = new Random(12);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            run(r, ta, tb, 37, 71, 45, 0.5f, 0f, 3);
            run(r, ta, tb, 37, 71, 45, -2f, 1f, 9);
            run(r, ta, tb, 20, 100, 600, 1.5f, -0.75f, 1); // k spans several KC blocks: beta applied once
            run(r, ta, tb, 2, 40, 33, 1f, 0.5f, 4);         // the unpacked m <= 2 path
        }
    }

    @Test
    void largeEnoughToUseBothThreadsAndEveryStripeEdge() {
        Random r = new Random(13);
        run(r, false, true, 129, 1100, 70, 1f, 0f, 0);  // splits N
        run(r, true, false, 1030, 90, 40, 1f, 2f, 0);   // splits M (tall C)
    }

    @Test
    void zeroDepthOrZeroAlphaScalesCByBeta() {
        float[] c = {1, 2, 3, 4};
        SIMD.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 3f, c, 0, 2);
        assertArrayEquals(new float[]{3, 6, 9, 12}, c);
        float[] d = {Float.NaN, 1, 1, 1};
        SIMD.gemm(false, false, 2, 2, 1, 0f, new float[]{1, 1}, 0, 1, new float[]{1, 1}, 0, 2, 0f, d, 0, 2);
        assertArrayEquals(new float[]{0, 0, 0, 0}, d);
    }

    @Test
    void batchedGemmMatchesOneGemmPerBatch() {
        Random r = new Random(14);
        int m = 9, n = 33, k = 20, batch = 5;
        float[] a = rand(r, batch * m * k), b = rand(r, batch * n * k), c = new float[batch * m * n], ref = new float[batch * m * n];
        SIMD.gemmBatched(false, true, m, n, k, 0.5f, a, 0, k, (long) m * k, b, 0, k, (long) n * k, 0f, c, 0, n, (long) m * n, batch);
        for (int i = 0; i < batch; i++) {
            SCALAR.gemm(false, true, m, n, k, 0.5f, a, i * m * k, k, b, i * n * k, k, 0f, ref, i * m * n, n);
        }
        for (int i = 0; i < c.length; i++) assertEquals(ref[i], c[i], 1e-5f, "element " + i);
    }

    @Test
    void badLeadingDimensionOrShortArrayNamesTheOperand() {
        ShapeException e = assertThrows(ShapeException.class, () ->
                SIMD.gemm(false, false, 4, 4, 4, 1f, new float[16], 0, 3, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("gemm A") && e.getMessage().contains("3"), e.getMessage());
        e = assertThrows(ShapeException.class, () ->
                SIMD.gemm(false, true, 4, 4, 4, 1f, new float[16], 0, 4, new float[15], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("gemm Bᵀ") && e.getMessage().contains("15"), e.getMessage());
    }
}
