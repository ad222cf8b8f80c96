package dev.calx.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix stored [rows = out][cols = in] in one of the storage formats. Inference
 * matmuls take weights in this form ({@code Y = X·Wᵀ}); kernels convert to fp32 on the fly.
 * Memory-mapped checkpoints become instances backed by a mapped {@link MemorySegment}, so
 * loading copies nothing.
 */
public sealed interface WeightMatrix permits F32Weights, BF16Weights, F16Weights, Q8Weights {
    int rows();

    int cols();

    DType dtype();

    /** Raw storage (little-endian). For heap fp32 weights this is a heap segment over the array. */
    MemorySegment segment();

    /** Converts row r to fp32 into dst[dstOff .. dstOff+cols). Reference path: plain loops. */
    void rowToFloat(int r, float[] dst, int dstOff);

    /** Bytes of weight storage. */
    default long byteSize() {
        return dtype().bytes((long) rows() * cols());
    }

    /** The whole matrix as a new fp32 tensor [rows][cols]. */
    default Tensor toTensor() {
        Tensor t = Tensor.zeros(rows(), cols());
        for (int r = 0; r < rows(); r++) rowToFloat(r, t.data(), r * cols());
        return t;
    }

    /** Converts an fp32 tensor [rows][cols] into the given storage format (a heap copy). */
    static WeightMatrix convert(Tensor t, DType to) {
        return switch (to) {
            case F32 -> F32Weights.of(t.contiguous());
            case BF16 -> BF16Weights.from(t);
            case F16 -> F16Weights.from(t);
            case Q8_0 -> Q8Weights.quantize(t);
        };
    }

    static void requireMatrix(String what, Tensor t) {
        if (t.rank() != 2) {
            throw new ShapeException(what + ": expected a matrix [rows][cols] but got shape " + java.util.Arrays.toString(t.shape()));
        }
    }
}
