package dev.calx.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** IEEE half-precision weights, little-endian, [rows][cols]. */
public final class F16Weights implements WeightMatrix {
    static final ValueLayout.OfShort LE_SHORT = BF16Weights.LE_SHORT;
    private final MemorySegment segment;
    private final int rows, cols;

    /**
     * Wraps existing IEEE fp16 storage (e.g. a slice of a memory-mapped checkpoint); no copy.
     *
     * @param segment rows * cols little-endian fp16 values, row-major; its arena owns the memory
     * @param rows    the number of rows
     * @param cols    the number of columns
     * @throws ShapeException if the segment is not exactly {@code 2 * rows * cols} bytes
     */
    public F16Weights(MemorySegment segment, int rows, int cols) {
        long need = (long) rows * cols * 2;
        if (segment.byteSize() != need) {
            throw new ShapeException("F16Weights: [" + rows + "][" + cols + "] needs " + need + " bytes, segment has " + segment.byteSize());
        }
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Converts with round-to-nearest-even into new (off-heap, auto-freed) storage.
     * Values beyond fp16's range (largest finite 65504) become infinities.
     *
     * @param t the fp32 matrix [rows][cols], any strides
     * @return new fp16 weights holding the rounded values
     * @throws ShapeException if t is not 2-D
     */
    public static F16Weights from(Tensor t) {
        WeightMatrix.requireMatrix("F16Weights.from", t);
        int rows = t.dim(0), cols = t.dim(1);
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * 2, 64);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                seg.set(LE_SHORT, 2L * ((long) r * cols + c), Numerics.floatToF16(t.get(r, c)));
            }
        }
        return new F16Weights(seg, rows, cols);
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.F16; }
    @Override public MemorySegment segment() { return segment; }

    @Override
    public void rowToFloat(int r, float[] dst, int dstOff) {
        long base = 2L * r * cols;
        for (int c = 0; c < cols; c++) dst[dstOff + c] = Numerics.f16ToFloat(segment.get(LE_SHORT, base + 2L * c));
    }
}
