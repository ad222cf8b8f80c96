package dev.calx.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** bfloat16 weights, little-endian, [rows][cols]. Half the bytes of fp32 for memory-bound decode. */
public final class BF16Weights implements WeightMatrix {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment segment;
    private final int rows, cols;

    /**
     * Wraps existing bf16 storage (e.g. a slice of a memory-mapped checkpoint); no copy.
     *
     * @param segment rows * cols little-endian bf16 values, row-major; its arena owns the memory
     * @param rows    the number of rows
     * @param cols    the number of columns
     * @throws ShapeException if the segment is not exactly {@code 2 * rows * cols} bytes
     */
    public BF16Weights(MemorySegment segment, int rows, int cols) {
        long need = (long) rows * cols * 2;
        if (segment.byteSize() != need) {
            throw new ShapeException("BF16Weights: [" + rows + "][" + cols + "] needs " + need + " bytes, segment has " + segment.byteSize());
        }
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Converts with round-to-nearest-even into new (off-heap, auto-freed) storage.
     *
     * @param t the fp32 matrix [rows][cols], any strides
     * @return new bf16 weights holding the rounded values
     * @throws ShapeException if t is not 2-D
     */
    public static BF16Weights from(Tensor t) {
        WeightMatrix.requireMatrix("BF16Weights.from", t);
        int rows = t.dim(0), cols = t.dim(1);
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * 2, 64);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                seg.set(LE_SHORT, 2L * ((long) r * cols + c), Numerics.floatToBf16(t.get(r, c)));
            }
        }
        return new BF16Weights(seg, rows, cols);
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.BF16; }
    @Override public MemorySegment segment() { return segment; }

    @Override
    public void rowToFloat(int r, float[] dst, int dstOff) {
        long base = 2L * r * cols;
        for (int c = 0; c < cols; c++) dst[dstOff + c] = Numerics.bf16ToFloat(segment.get(LE_SHORT, base + 2L * c));
    }
}
