package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VectorMath's exp is accurate, its vector lanes have the bits of the scalar version, and its
 * lane sum is the documented pairwise tree, on the first (interpreted) calls as well as after
 * C2 has compiled them: the property the Vector API's own EXP and reduceLanes(ADD) lack.
 */
class VectorMathTest {
    private static final int L = VectorMath.F.length();

    @Test
    void expIsWithinTwoUlpOfMathExpOverTheNormalRange() {
        long worst = 0;
        for (float x = -87.3f; x < 88.02f; x += 0.00731f) {
            float want = (float) Math.exp(x), got = VectorMath.exp(x);
            long ulps = Math.abs((long) Float.floatToRawIntBits(got) - Float.floatToRawIntBits(want));
            worst = Math.max(worst, ulps);
            assertTrue(ulps <= 2, "exp(" + x + ") = " + got + ", Math.exp gives " + want);
        }
        System.out.println("VectorMath.exp: worst " + worst + " ulp vs Math.exp on [-87.3, 88.02]");
        assertEquals(1f, VectorMath.exp(0f));
        assertEquals(0f, VectorMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, VectorMath.exp(-200f));
        assertEquals(Float.POSITIVE_INFINITY, VectorMath.exp(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, VectorMath.exp(89f));
        assertTrue(Float.isNaN(VectorMath.exp(Float.NaN)));
    }

    @Test
    void vectorLanesAndLaneSumsKeepTheirBitsFromTheFirstCallToTheCompiledCode() {
        Random r = new Random(4);
        int n = 64 * L;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * 30);
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = 95f;
        x[3] = -95f;
        float[] e = new float[n], sums = new float[n / L];
        // 3000 rounds x 64 calls: the first round runs interpreted, the last ones in C2 code
        for (int round = 0; round < 3000; round++) {
            for (int v = 0; v < n; v += L) {
                FloatVector xv = FloatVector.fromArray(VectorMath.F, x, v);
                VectorMath.exp(xv).intoArray(e, v);
                sums[v / L] = VectorMath.sum(xv);
            }
            if (round == 0 || round == 2999) {
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(VectorMath.exp(x[i])), Float.floatToRawIntBits(e[i]),
                            "round " + round + ": lane exp(" + x[i] + ") = " + e[i] + " vs scalar " + VectorMath.exp(x[i]));
                }
                for (int v = 4 * L; v < n; v += L) { // rows without the NaN / inf lanes
                    assertEquals(Float.floatToRawIntBits(pairwise(x, v, L)), Float.floatToRawIntBits(sums[v / L]),
                            "round " + round + ": lane sum of vector " + v / L);
                }
            }
        }
    }

    /** The documented tree: lane i + half added to lane i, halving until one lane is left. */
    private static float pairwise(float[] x, int o, int len) {
        float[] a = java.util.Arrays.copyOfRange(x, o, o + len);
        for (int half = len / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) a[i] = a[i] + a[i + half];
        }
        return a[0];
    }
}
