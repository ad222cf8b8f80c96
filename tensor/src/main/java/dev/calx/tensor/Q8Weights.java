package dev.calx.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q8_0 weights: each row is cols/32 blocks; a block is an fp16 scale d followed by 32
 * int8 values q, and the weight is d*q. Quantization: d = max|x|/127, q = round(x/d) (half away
 * from zero, as ggml's roundf).
 */
public final class Q8Weights implements WeightMatrix {
    /** Elements per block (32) and bytes per block (34: a 2-byte fp16 scale, then 32 int8 values). */
    public static final int BLOCK = 32, BLOCK_BYTES = 34;
    private final MemorySegment segment;
    private final int rows, cols;

    /**
     * Wraps existing Q8_0 storage (e.g. a slice of a GGUF file); no copy.
     *
     * @param segment rows * cols/32 blocks of 34 bytes, row-major; its arena owns the memory
     * @param rows    the number of rows
     * @param cols    the number of columns, a multiple of {@link #BLOCK}
     * @throws ShapeException if cols is not a multiple of 32 or the segment is not exactly
     *                        {@code rows * cols / 32 * 34} bytes
     */
    public Q8Weights(MemorySegment segment, int rows, int cols) {
        if (cols % BLOCK != 0) {
            throw new ShapeException("Q8Weights: cols " + cols + " is not a multiple of " + BLOCK);
        }
        long need = (long) rows * (cols / BLOCK) * BLOCK_BYTES;
        if (segment.byteSize() != need) {
            throw new ShapeException("Q8Weights: [" + rows + "][" + cols + "] needs " + need + " bytes, segment has " + segment.byteSize());
        }
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Quantizes an fp32 matrix into new (off-heap, auto-freed) storage, block by block as ggml's
     * reference quantizer does (see the class comment).
     *
     * @param t the fp32 matrix [rows][cols], any strides; cols a multiple of {@link #BLOCK}
     * @return new Q8_0 weights
     * @throws ShapeException if t is not 2-D or cols is not a multiple of 32
     */
    public static Q8Weights quantize(Tensor t) {
        WeightMatrix.requireMatrix("Q8Weights.quantize", t);
        int rows = t.dim(0), cols = t.dim(1);
        if (cols % BLOCK != 0) {
            throw new ShapeException("Q8Weights.quantize: cols " + cols + " of " + t + " is not a multiple of " + BLOCK);
        }
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * (cols / BLOCK) * BLOCK_BYTES, 64);
        float[] row = new float[cols];
        long p = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = t.get(r, c);
            for (int b = 0; b < cols; b += BLOCK) {
                float amax = 0;
                for (int i = 0; i < BLOCK; i++) amax = Math.max(amax, Math.abs(row[b + i]));
                float d = amax / 127f;
                float id = d != 0 ? 1f / d : 0f;
                seg.set(BF16Weights.LE_SHORT, p, Numerics.floatToF16(d));
                for (int i = 0; i < BLOCK; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, p + 2 + i, (byte) roundAway(row[b + i] * id));
                }
                p += BLOCK_BYTES;
            }
        }
        return new Q8Weights(seg, rows, cols);
    }

    /** C's roundf: half away from zero, exact (v + 0.5 in double cannot round up, unlike in float). */
    static int roundAway(float v) {
        double d = v;
        return (int) (d < 0 ? -Math.floor(-d + 0.5) : Math.floor(d + 0.5));
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public DType dtype() { return DType.Q8_0; }
    @Override public MemorySegment segment() { return segment; }

    @Override
    public void rowToFloat(int r, float[] dst, int dstOff) {
        long p = (long) r * (cols / BLOCK) * BLOCK_BYTES;
        for (int b = 0; b < cols; b += BLOCK, p += BLOCK_BYTES) {
            float d = Numerics.f16ToFloat(segment.get(BF16Weights.LE_SHORT, p));
            for (int i = 0; i < BLOCK; i++) dst[dstOff + b + i] = d * segment.get(ValueLayout.JAVA_BYTE, p + 2 + i);
        }
    }
}
