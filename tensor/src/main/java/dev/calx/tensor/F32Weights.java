package dev.calx.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * fp32 weights, either a heap tensor (trainable parameters: kernels read its array directly and
 * see updates) or a memory-mapped segment (read-only checkpoint weights).
 */
public final class F32Weights implements WeightMatrix {
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Tensor heap;
    private final MemorySegment segment;
    private final int rows, cols;

    private F32Weights(Tensor heap, MemorySegment segment, int rows, int cols) {
        this.heap = heap;
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Wraps a contiguous heap tensor [rows][cols]; no copy, later writes to it are seen.
     * (Device copies are refreshed only when the tensor's {@link Tensor#version()} changes.)
     *
     * @param t the matrix [rows][cols], contiguous
     * @return weights viewing t's array
     * @throws ShapeException if t is not 2-D or not contiguous
     */
    public static F32Weights of(Tensor t) {
        WeightMatrix.requireMatrix("F32Weights.of", t);
        if (!t.isContiguous()) throw new ShapeException("F32Weights.of: tensor " + t + " is not contiguous");
        MemorySegment seg = MemorySegment.ofArray(t.data()).asSlice((long) t.offset() * 4, (long) t.size() * 4);
        return new F32Weights(t, seg, t.dim(0), t.dim(1));
    }

    /**
     * Wraps little-endian fp32 storage of rows*cols elements (e.g. a mapped file slice).
     *
     * @param seg  rows * cols little-endian floats, row-major; no alignment needed; its arena owns the memory
     * @param rows the number of rows
     * @param cols the number of columns
     * @return weights viewing seg (read-only use: {@link #heapTensor()} is null)
     * @throws ShapeException if the segment is not exactly {@code 4 * rows * cols} bytes
     */
    public static F32Weights of(MemorySegment seg, int rows, int cols) {
        long need = (long) rows * cols * 4;
        if (seg.byteSize() != need) {
            throw new ShapeException("F32Weights: [" + rows + "][" + cols + "] needs " + need + " bytes, segment has " + seg.byteSize());
        }
        return new F32Weights(null, seg, rows, cols);
    }

    /**
     * The heap tensor when this wraps one, else null.
     *
     * @return the tensor given to {@link #of(Tensor)}, or null for segment-backed weights
     */
    public Tensor heapTensor() { return heap; }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.F32; }
    @Override public MemorySegment segment() { return segment; }

    @Override
    public void rowToFloat(int r, float[] dst, int dstOff) {
        if (heap != null) {
            System.arraycopy(heap.data(), heap.offset() + r * cols, dst, dstOff, cols);
        } else {
            long base = (long) r * cols * 4;
            for (int c = 0; c < cols; c++) dst[dstOff + c] = segment.get(LE_FLOAT, base + 4L * c);
        }
    }
}
