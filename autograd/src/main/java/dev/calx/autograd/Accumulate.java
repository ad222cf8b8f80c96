package dev.calx.autograd;

import dev.calx.tensor.Parallel;
import dev.calx.tensor.Tensor;

/** Small memory-bound loops shared by the ops' backwards: dst += s * src, row-broadcast sums. */
final class Accumulate {
    private Accumulate() {}

    /** dst += s * src, elementwise over tensors of equal size; dst contiguous, src any layout. */
    static void add(Tensor dst, Tensor src, float s) {
        Tensor c = src.contiguous();
        float[] d = dst.data(), x = c.data();
        int dOff = dst.offset(), xOff = c.offset(), n = dst.size();
        Parallel.forRange(n, 2, (from, to) -> {
            if (s == 1f) for (int i = from; i < to; i++) d[dOff + i] += x[xOff + i];
            else for (int i = from; i < to; i++) d[dOff + i] += s * x[xOff + i];
        });
    }

    /** dst[i] += sum over rows r of src[r][i] (the gradient of a row broadcast). */
    static void addColumnSums(Tensor dst, Tensor src) {
        Tensor c = src.contiguous();
        int rows = c.rows(), cols = c.cols();
        float[] d = dst.data(), x = c.data();
        int dOff = dst.offset(), xOff = c.offset();
        for (int r = 0; r < rows; r++) {
            int o = xOff + r * cols;
            for (int i = 0; i < cols; i++) d[dOff + i] += x[o + i];
        }
    }

    /** dst += a * b elementwise, b broadcast over rows when it is a single row. */
    static void addProduct(Tensor dst, Tensor a, Tensor b) {
        float[] d = dst.data(), x = a.data(), y = b.data();
        int cols = a.cols(), rows = a.rows();
        boolean bcast = b.size() == cols && rows != 1;
        int dOff = dst.offset(), aOff = a.offset(), bOff = b.offset();
        Parallel.forRange(rows, 2L * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * cols, bo = bOff + (bcast ? 0 : o);
                for (int i = 0; i < cols; i++) d[dOff + o + i] += x[aOff + o + i] * y[bo + i];
            }
        });
    }

    /** dst[i] += sum over rows of a[r][i] * b[r][i]. */
    static void addColumnSumsOfProduct(Tensor dst, Tensor a, Tensor b) {
        float[] d = dst.data(), x = a.data(), y = b.data();
        int cols = a.cols(), rows = a.rows();
        for (int r = 0; r < rows; r++) {
            int ao = a.offset() + r * cols, bo = b.offset() + r * cols;
            for (int i = 0; i < cols; i++) d[dst.offset() + i] += x[ao + i] * y[bo + i];
        }
    }
}
