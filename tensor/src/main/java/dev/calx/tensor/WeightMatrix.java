package dev.calx.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix stored [rows = out][cols = in] in one of the storage formats. Inference
 * matmuls take weights in this form ({@code Y = X·Wᵀ}); kernels convert to fp32 on the fly.
 * Memory-mapped checkpoints become instances backed by a mapped {@link MemorySegment}, so
 * loading copies nothing.
 *
 * <p>Instances are immutable views of their storage (but an {@link F32Weights} over a heap
 * tensor sees writes to that tensor). The kernels read them from several threads, so segments
 * must come from a shared or automatic arena, not a confined one.
 */
public sealed interface WeightMatrix permits F32Weights, BF16Weights, F16Weights, Q8Weights {
    /** {@return the number of rows: output features for a linear layer, vocabulary size for an embedding} */
    int rows();

    /** {@return the number of columns: input features (the embedding width for a table)} */
    int cols();

    /** {@return the storage format} */
    DType dtype();

    /**
     * Raw storage (little-endian). For heap fp32 weights this is a heap segment over the array.
     *
     * @return the segment of exactly {@link #byteSize()} bytes, rows one after another; for
     *         memory-mapped weights its lifetime is that of the mapping's arena
     */
    MemorySegment segment();

    /**
     * Converts row r to fp32 into dst[dstOff .. dstOff+cols). Reference path: plain loops.
     *
     * @param r      the row, in [0, rows)
     * @param dst    the destination array
     * @param dstOff where row r's first element goes in dst
     * @throws IndexOutOfBoundsException if r is out of range or dst is too short
     */
    void rowToFloat(int r, float[] dst, int dstOff);

    /**
     * Bytes of weight storage.
     *
     * @return rows * cols elements in this format (Q8_0: 34 bytes per 32 elements)
     */
    default long byteSize() {
        return dtype().bytes((long) rows() * cols());
    }

    /**
     * The whole matrix as a new fp32 tensor [rows][cols].
     *
     * @return a new contiguous tensor (4 bytes per element on the heap)
     */
    default Tensor toTensor() {
        Tensor t = Tensor.zeros(rows(), cols());
        for (int r = 0; r < rows(); r++) rowToFloat(r, t.data(), r * cols());
        return t;
    }

    /**
     * Converts an fp32 tensor [rows][cols] into the given storage format (a heap copy).
     * Exception: F32 of a contiguous t wraps t without copying (see {@link F32Weights#of(Tensor)}).
     * The bf16, f16 and Q8_0 copies live off-heap and are freed by the garbage collector.
     *
     * @param t  the matrix [rows][cols]
     * @param to the target format
     * @return the weights in format {@code to}
     * @throws ShapeException if t is not 2-D, or cols is not a multiple of 32 for Q8_0
     */
    static WeightMatrix convert(Tensor t, DType to) {
        return switch (to) {
            case F32 -> F32Weights.of(t.contiguous());
            case BF16 -> BF16Weights.from(t);
            case F16 -> F16Weights.from(t);
            case Q8_0 -> Q8Weights.quantize(t);
        };
    }

    /**
     * Checks that t is a matrix, for the conversions' argument checks.
     *
     * @param what the operation, for the message
     * @param t    the tensor to check
     * @throws ShapeException if t is not 2-D
     */
    static void requireMatrix(String what, Tensor t) {
        if (t.rank() != 2) {
            throw new ShapeException(what + ": expected a matrix [rows][cols] but got shape " + java.util.Arrays.toString(t.shape()));
        }
    }
}
