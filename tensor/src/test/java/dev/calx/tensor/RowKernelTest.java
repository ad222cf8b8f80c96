package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.calx.tensor.TestData.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Each row kernel's Vector API path against its scalar path and against a plain double-precision
 * loop written here, on sizes around the lane count, strided views and special values.
 */
class RowKernelTest {

    @Test
    void rmsNormMatchesScalarAndDoubleLoopOnOddSizesAndStridedRows() {
        Random r = new Random(1);
        for (int n : ODD_SIZES) {
            for (boolean strided : new boolean[]{false, true}) {
                Tensor x = strided ? TestData.strided(r, 5, n, 3f) : random(r, 5, n, 3f);
                Tensor w = random(r, 1, n, 1f).view(n);
                Tensor a = like(x), b = like(x);
                SIMD.rmsNorm(x, w, 1e-5f, a);
                SCALAR.rmsNorm(x, w, 1e-5f, b);
                assertClose("rmsNorm simd vs scalar n=" + n, b, a, 1e-5, 1e-6);
                Tensor ref = like(x);
                for (int i = 0; i < x.rows(); i++) {
                    double ss = 0;
                    for (int c = 0; c < n; c++) ss += Math.pow(x.get(i, c), 2);
                    double inv = 1 / Math.sqrt(ss / n + 1e-5);
                    for (int c = 0; c < n; c++) ref.set((float) (x.get(i, c) * inv * w.get(c)), i, c);
                }
                assertClose("rmsNorm vs double loop n=" + n, ref, a, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void rmsNormOfZerosIsZeroNotNaN() {
        Tensor x = Tensor.zeros(3, 65), out = like(x);
        Tensor w = Tensor.zeros(65);
        w.fill(2f);
        SIMD.rmsNorm(x, w, 1e-6f, out);
        for (float v : out.toArray()) assertEquals(0f, v);
    }

    @Test
    void softmaxMatchesScalarAndDoubleLoopWithAndWithoutCausalMask() {
        Random r = new Random(2);
        for (int n : ODD_SIZES) {
            for (boolean causal : new boolean[]{false, true}) {
                Tensor x = TestData.strided(r, 9, n, 5f);
                int pos0 = n > 4 ? n - 6 : 0;
                Tensor a = like(x), b = like(x);
                SIMD.softmax(x, a, causal, pos0);
                SCALAR.softmax(x, b, causal, pos0);
                assertClose("softmax simd vs scalar n=" + n, b, a, 2e-6, 1e-7);
                for (int i = 0; i < x.rows(); i++) {
                    int valid = causal ? Math.min(n, Math.max(0, pos0 + i + 1)) : n;
                    double mx = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int c = 0; c < valid; c++) mx = Math.max(mx, x.get(i, c));
                    for (int c = 0; c < valid; c++) sum += Math.exp(x.get(i, c) - mx);
                    for (int c = 0; c < n; c++) {
                        double e = c < valid ? Math.exp(x.get(i, c) - mx) / sum : 0;
                        check("softmax vs double loop n=" + n, i, c, e, a.get(i, c), 2e-6, 1e-7);
                    }
                }
            }
        }
    }

    @Test
    void softmaxOfAllNegativeInfinityRowsGivesZerosAndMaskedPrefixRowsToo() {
        Tensor x = Tensor.zeros(3, 40);
        x.fill(Float.NEGATIVE_INFINITY);
        x.set(1f, 2, 39);
        Tensor out = like(x);
        out.fill(7f);
        SIMD.softmax(x, out, false, 0);
        for (int c = 0; c < 40; c++) {
            assertEquals(0f, out.get(0, c));
            assertEquals(c == 39 ? 1f : 0f, out.get(2, c));
        }
        // causal: row 2 sees columns 0..2 which are all -inf
        SIMD.softmax(x, out, true, 0);
        for (int c = 0; c < 40; c++) assertEquals(0f, out.get(2, c));
    }

    @Test
    void softmaxOfHugeValuesDoesNotOverflowAndNaNPropagates() {
        Tensor x = Tensor.wrap(new float[]{3e38f, 3e38f, -3e38f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new int[]{1, 18});
        Tensor out = like(x);
        SIMD.softmax(x, out, false, 0);
        assertEquals(0.5f, out.get(0, 0), 1e-6f);
        assertEquals(0.5f, out.get(0, 1), 1e-6f);
        Tensor nan = Tensor.wrap(new float[]{1, Float.NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, new int[]{1, 18});
        SIMD.softmax(nan, out, false, 0);
        assertTrue(Float.isNaN(out.get(0, 2)), "NaN input must not be hidden");
    }

    @Test
    void ropeMatchesScalarForwardAndInverseRoundTrips() {
        Random r = new Random(3);
        for (int headDim : new int[]{2, 6, 16, 64, 128}) {
            for (int pos0 : new int[]{0, 5, 300}) {
                Tensor x = TestData.strided(r, 7, headDim * 3, 1f);
                Tensor a = x.copy(), b = x.copy();
                SIMD.rope(a, headDim, pos0, 10000f, false);
                SCALAR.rope(b, headDim, pos0, 10000f, false);
                assertClose("rope simd vs scalar headDim=" + headDim + " pos0=" + pos0, b, a, 1e-5, 1e-5);
                // plain loop with the angle in double
                for (int i = 0; i < x.rows(); i++) {
                    for (int h = 0; h < 3; h++) {
                        for (int p = 0; p < headDim; p += 2) {
                            double ang = (pos0 + i) * Math.pow(10000.0, -(double) p / headDim);
                            double x0 = x.get(i, h * headDim + p), x1 = x.get(i, h * headDim + p + 1);
                            check("rope vs double loop", i, p, x0 * Math.cos(ang) - x1 * Math.sin(ang), a.get(i, h * headDim + p), 1e-4, 1e-5);
                            check("rope vs double loop", i, p + 1, x0 * Math.sin(ang) + x1 * Math.cos(ang), a.get(i, h * headDim + p + 1), 1e-4, 1e-5);
                        }
                    }
                }
                SIMD.rope(a, headDim, pos0, 10000f, true);
                assertClose("rope inverse(rope(x)) == x", x, a, 1e-4, 1e-5);
            }
        }
        // strided view rotated in place only touches its own elements
        Tensor big = Tensor.zeros(4, 40);
        big.fill(1f);
        Tensor view = big.slice(1, 4, 36);
        SIMD.rope(view, 16, 1, 10000f, false);
        assertEquals(1f, big.get(0, 0));
        assertEquals(1f, big.get(3, 39));
    }

    @Test
    void ropeTableGrowsAndServesLaterPositions() {
        Tensor x = Tensor.zeros(2, 64);
        x.fill(0.5f);
        Tensor y = x.copy(), z = x.copy();
        SIMD.rope(y, 64, 5000, 500000f, false);
        SCALAR.rope(z, 64, 5000, 500000f, false);
        assertClose("rope at position 5000", z, y, 1e-5, 1e-5);
    }

    @Test
    void siluAndSwigluMatchScalarIncludingExtremes() {
        Random r = new Random(4);
        for (int n : ODD_SIZES) {
            Tensor x = TestData.strided(r, 3, n, 10f), u = random(r, 3, n, 1f);
            x.set(-1e30f, 0, 0);
            if (n > 1) x.set(1e30f, 0, 1);
            Tensor a = like(x), b = like(x);
            SIMD.silu(x, a);
            SCALAR.silu(x, b);
            assertClose("silu n=" + n, b, a, 1e-5, 1e-6);
            for (int i = 0; i < 3; i++) {
                for (int c = 0; c < n; c++) {
                    double v = x.get(i, c);
                    check("silu vs double loop n=" + n, i, c, v / (1 + Math.exp(-v)), a.get(i, c), 1e-5, 1e-6);
                }
            }
            SIMD.swiglu(x, u, a);
            SCALAR.swiglu(x, u, b);
            assertClose("swiglu n=" + n, b, a, 1e-5, 1e-6);
        }
    }

    @Test
    void addMulScaleMatchScalarWithRowBroadcast() {
        Random r = new Random(5);
        for (int n : ODD_SIZES) {
            Tensor a = TestData.strided(r, 4, n, 1f), b = random(r, 4, n, 1f), row = random(r, 1, n, 1f);
            Tensor o1 = like(a), o2 = like(a);
            for (Tensor rhs : new Tensor[]{b, row}) {
                SIMD.add(a, rhs, o1);
                SCALAR.add(a, rhs, o2);
                assertClose("add", o2, o1, 0, 0);
                SIMD.mul(a, rhs, o1);
                SCALAR.mul(a, rhs, o2);
                assertClose("mul", o2, o1, 0, 0);
            }
            SIMD.scale(a, -2.5f, o1);
            for (int i = 0; i < 4; i++) for (int c = 0; c < n; c++) assertEquals(a.get(i, c) * -2.5f, o1.get(i, c));
            SIMD.add(a, row, o1);
            assertEquals(a.get(3, n - 1) + row.get(0, n - 1), o1.get(3, n - 1));
        }
    }

    @Test
    void argmaxPicksFirstMaximumIgnoresNaNAndMatchesScalar() {
        Random r = new Random(6);
        for (int n : ODD_SIZES) {
            Tensor x = TestData.strided(r, 6, n, 1f);
            assertArrayEquals(SCALAR.argmax(x), SIMD.argmax(x), "n=" + n);
        }
        Tensor t = Tensor.wrap(new float[]{
                1, 5, Float.NaN, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
                Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN,
                Float.NaN, Float.NEGATIVE_INFINITY, Float.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9,
        }, new int[]{3, 20});
        assertArrayEquals(new int[]{1, 0, 19}, SIMD.argmax(t));
        assertArrayEquals(new int[]{1, 0, 19}, SCALAR.argmax(t));
    }

    @Test
    void crossEntropyMatchesScalarAndDoubleLoopWithIgnoredRows() {
        Random r = new Random(7);
        for (int v : new int[]{1, 17, 65, 1000}) {
            Tensor logits = TestData.strided(r, 5, v, 4f);
            int[] targets = {0, v - 1, -100, v / 2, 0};
            float[] l1 = new float[5], l2 = new float[5];
            Tensor g1 = like(logits), g2 = like(logits);
            double s1 = SIMD.crossEntropy(logits, targets, -100, l1, g1, 0.25f);
            double s2 = SCALAR.crossEntropy(logits, targets, -100, l2, g2, 0.25f);
            assertEquals(s2, s1, 1e-5 * Math.abs(s2) + 1e-6);
            assertEquals(0f, l1[2]);
            assertClose("crossEntropy grad v=" + v, g2, g1, 1e-5, 1e-7);
            for (int i = 0; i < 5; i++) {
                if (targets[i] == -100) continue;
                double mx = Double.NEGATIVE_INFINITY, sum = 0;
                for (int c = 0; c < v; c++) mx = Math.max(mx, logits.get(i, c));
                for (int c = 0; c < v; c++) sum += Math.exp(logits.get(i, c) - mx);
                double loss = mx + Math.log(sum) - logits.get(i, targets[i]);
                assertEquals(loss, l1[i], 1e-5 * Math.abs(loss) + 1e-5, "row " + i);
            }
        }
    }
}
