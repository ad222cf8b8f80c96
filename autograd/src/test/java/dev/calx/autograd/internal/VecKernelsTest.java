package dev.calx.autograd.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each Vector API kernel against its obvious loop, on lengths with and without a vector tail. */
class VecKernelsTest {
    private static final int[] LENGTHS = {1, 7, 16, 33, 100, 288};

    private static float[] rand(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    private static void close(String what, float[] a, float[] b, double tol) {
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            assertTrue(d <= tol * Math.max(1, Math.abs(b[i])), what + " differs at " + i + ": " + a[i] + " vs " + b[i]);
        }
    }

    @Test
    void rmsNormForwardAndBackwardMatchTheLoops() {
        Random r = new Random(1);
        for (int n : LENGTHS) {
            int rows = 5;
            float[] x = rand(r, rows * n, 1), w = rand(r, n, 1), dy = rand(r, rows * n, 1);
            float[] y1 = new float[rows * n], y2 = new float[rows * n], i1 = new float[rows], i2 = new float[rows];
            VecKernels.rmsNormForward(x, 0, w, 0, 1e-5f, y1, 0, i1, rows, n);
            RowKernels.rmsNormForward(x, 0, w, 0, 1e-5f, y2, 0, i2, rows, n);
            close("rmsNorm y n=" + n, y1, y2, 1e-5);
            float[] dx1 = rand(r, rows * n, 1), dx2 = dx1.clone(), dw1 = new float[n], dw2 = new float[n];
            VecKernels.rmsNormBackward(x, 0, w, 0, i1, dy, 0, dx1, 0, dw1, 0, rows, n);
            RowKernels.rmsNormBackward(x, 0, w, 0, i2, dy, 0, dx2, 0, dw2, 0, rows, n);
            close("rmsNorm dx n=" + n, dx1, dx2, 1e-5);
            close("rmsNorm dw n=" + n, dw1, dw2, 1e-5);
        }
    }

    @Test
    void swigluForwardAndBackwardMatchTheLoops() {
        Random r = new Random(2);
        for (int n : LENGTHS) {
            float[] g = rand(r, n, 3), u = rand(r, n, 1), dy = rand(r, n, 1);
            float[] y1 = new float[n], y2 = new float[n];
            VecKernels.swigluForward(g, 0, u, 0, y1, 0, n);
            RowKernels.swigluForward(g, 0, u, 0, y2, 0, n);
            close("swiglu y n=" + n, y1, y2, 1e-5);
            float[] dg1 = rand(r, n, 1), dg2 = dg1.clone(), du1 = rand(r, n, 1), du2 = du1.clone();
            VecKernels.swigluBackward(g, 0, u, 0, dy, 0, dg1, 0, du1, 0, n);
            RowKernels.swigluBackward(g, 0, u, 0, dy, 0, dg2, 0, du2, 0, n);
            close("swiglu dg n=" + n, dg1, dg2, 1e-5);
            close("swiglu du n=" + n, du1, du2, 1e-5);
        }
    }

    @Test
    void crossEntropyForwardAndBackwardMatchTheLoops() {
        Random r = new Random(3);
        for (int v : LENGTHS) {
            int rows = 6;
            float[] logits = rand(r, rows * v, 4);
            int[] t = new int[rows];
            for (int i = 0; i < rows; i++) t[i] = i == 2 ? -100 : r.nextInt(v);
            float[] l1 = new float[rows], l2 = new float[rows];
            double s1 = VecKernels.crossEntropyForward(logits, 0, rows, v, t, -100, l1);
            double s2 = RowKernels.crossEntropyForward(logits, 0, rows, v, t, -100, l2);
            assertEquals(s2, s1, 1e-5 * Math.max(1, Math.abs(s2)), "loss v=" + v);
            float[] d1 = new float[rows * v], d2 = new float[rows * v];
            VecKernels.crossEntropyBackward(logits, 0, rows, v, t, -100, l1, 0.25f, d1, 0);
            RowKernels.crossEntropyBackward(logits, 0, rows, v, t, -100, l2, 0.25f, d2, 0);
            close("ce grad v=" + v, d1, d2, 1e-5);
        }
    }

    @Test
    void attentionRowHelpersMatchTheLoops() {
        Random r = new Random(4);
        for (int n : LENGTHS) {
            int lo = n / 3, hi = n - 1 - n / 4;
            float[] p1 = rand(r, n, 3), p2 = p1.clone();
            assertEquals(Kernels.referenceSoftmaxRow(p2, 0, n, lo, hi), VecKernels.softmaxRow(p1, 0, n, lo, hi), 1e-5);
            close("softmaxRow n=" + n, p1, p2, 1e-6);
            float[] e1 = rand(r, n, 1), e2 = e1.clone();
            VecKernels.expRow(e1, 0, n, lo, hi, 0.7f);
            Kernels.referenceExpRow(e2, 0, n, lo, hi, 0.7f);
            close("expRow n=" + n, e1, e2, 1e-6);
            float[] d1 = rand(r, n, 1), d2 = d1.clone();
            VecKernels.softmaxGradRow(p1, d1, 0, n, lo, hi, 0.3f);
            Kernels.referenceSoftmaxGradRow(p2, d2, 0, n, lo, hi, 0.3f);
            close("softmaxGradRow n=" + n, d1, d2, 1e-6);
            assertEquals(Kernels.referenceDot(p1, 0, d1, 0, n), VecKernels.dot(p1, 0, d1, 0, n), 1e-5);
        }
    }

    @Test
    void rmsNormWeightGradientIsOneSequentialSumPerColumnAddedToWhatIsThere() {
        // the bits must not depend on how rows are split among threads: each column is summed
        // over all rows in order, then added once into the existing gradient (accumulation)
        Random r = new Random(9);
        for (int n : LENGTHS) {
            int rows = 301;
            float[] x = rand(r, rows * n, 1), dy = rand(r, rows * n, 1), inv = rand(r, rows, 1), start = rand(r, n, 1);
            float[] dw = start.clone();
            VecKernels.rmsNormWeightGrad(x, 0, inv, dy, 0, dw, 0, rows, n);
            for (int i = 0; i < n; i++) {
                float part = 0;
                for (int row = 0; row < rows; row++) part = dy[row * n + i] * x[row * n + i] * inv[row] + part;
                assertEquals(Float.floatToRawIntBits(start[i] + part), Float.floatToRawIntBits(dw[i]), "n=" + n + " column " + i);
            }
        }
    }
}
