package dev.calx.tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers for the tensor tests: seeded random tensors, strided views, tolerant comparison. */
final class TestData {
    static final int[] ODD_SIZES = {1, 7, 15, 16, 17, 33, 63, 65, 1000};
    static final CpuBackend SIMD = new CpuBackend(true);
    static final CpuBackend SCALAR = new CpuBackend(false);

    private TestData() {}

    static Tensor random(Random r, int rows, int cols, float scale) {
        Tensor t = Tensor.zeros(rows, cols);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * scale;
        return t;
    }

    /** A [rows][cols] view whose rows are 5 floats apart more than cols, starting at offset 3 (not contiguous). */
    static Tensor strided(Random r, int rows, int cols, float scale) {
        Tensor big = random(r, rows + 1, cols + 5, scale);
        return big.slice(0, 1, rows + 1).slice(1, 3, cols + 3);
    }

    static Tensor like(Tensor t) {
        return Tensor.zeros(t.rows(), t.cols());
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        for (int r = 0; r < expected.rows(); r++) {
            for (int c = 0; c < expected.cols(); c++) {
                float e = expected.data()[expected.rowOffset(r) + c], a = actual.data()[actual.rowOffset(r) + c];
                check(what, r, c, e, a, rtol, atol);
            }
        }
    }

    static void check(String what, int r, int c, double e, double a, double rtol, double atol) {
        if (Double.isNaN(e) && Double.isNaN(a)) return;
        if (e == a) return;
        if (Double.isNaN(e) || Double.isNaN(a) || Double.isInfinite(e) || Double.isInfinite(a)
                || Math.abs(e - a) > atol + rtol * Math.abs(e)) {
            fail(what + ": element [" + r + "][" + c + "] expected " + e + " but was " + a);
        }
    }
}
