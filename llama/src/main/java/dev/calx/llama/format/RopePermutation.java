package dev.calx.llama.format;

import dev.calx.tensor.BF16Weights;
import dev.calx.tensor.DType;
import dev.calx.tensor.F16Weights;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Hugging Face's rotate-half RoPE pairs element i of a head with element i + headDim/2;
 * Meta's original (and llama2.c's, GGUF's, ours) pairs 2i with 2i+1. HF's conversion script
 * permutes the rows of q_proj and k_proj so that both give the same attention:
 * HF row {@code h*hd + p*hd/2 + i} holds Meta row {@code h*hd + 2i + p}. Permuting whole rows
 * of raw storage is exact in every dtype, so HF files round-trip byte for byte.
 */
public final class RopePermutation {
    private RopePermutation() {}

    /** The Meta (interleaved) row stored at HF row r. */
    static int metaRowOfHfRow(int r, int headDim) {
        int h = r / headDim, j = r % headDim, half = headDim / 2;
        int p = j / half, i = j % half;
        return h * headDim + 2 * i + p;
    }

    /**
     * HF-ordered rows to interleaved order (reading a HF checkpoint).
     *
     * @param w       q_proj or k_proj in HF row order, F32, BF16 or F16
     * @param headDim the head dimension; must divide the row count
     * @param arena   owns the copy
     * @return a permuted copy in the same storage format
     * @throws IllegalArgumentException when headDim does not divide the rows or w is Q8_0
     */
    public static WeightMatrix fromHf(WeightMatrix w, int headDim, Arena arena) {
        return permute(w, headDim, true, arena);
    }

    /**
     * Interleaved rows to HF order (writing a HF checkpoint).
     *
     * @param w       q_proj or k_proj in the interleaved order, F32, BF16 or F16
     * @param headDim the head dimension; must divide the row count
     * @param arena   owns the copy
     * @return a permuted copy in the same storage format
     * @throws IllegalArgumentException when headDim does not divide the rows or w is Q8_0
     */
    public static WeightMatrix toHf(WeightMatrix w, int headDim, Arena arena) {
        return permute(w, headDim, false, arena);
    }

    private static WeightMatrix permute(WeightMatrix w, int headDim, boolean fromHf, Arena arena) {
        if (w.rows() % headDim != 0) {
            throw new IllegalArgumentException("RoPE permutation: " + w.rows() + " rows is not a multiple of head dim " + headDim);
        }
        if (w.dtype() == DType.Q8_0) throw new IllegalArgumentException("RoPE permutation of Q8_0 weights is not supported");
        long rowBytes = w.byteSize() / w.rows();
        MemorySegment src = w.segment();
        MemorySegment dst = arena.allocate(w.byteSize(), 64);
        for (int r = 0; r < w.rows(); r++) {
            int m = metaRowOfHfRow(r, headDim);
            // fromHf: meta[m] = hf[r]; toHf: hf[r] = meta[m]
            long s = (fromHf ? r : m) * rowBytes, d = (fromHf ? m : r) * rowBytes;
            MemorySegment.copy(src, s, dst, d, rowBytes);
        }
        return switch (w.dtype()) {
            case F32 -> F32Weights.of(dst, w.rows(), w.cols());
            case BF16 -> new BF16Weights(dst, w.rows(), w.cols());
            case F16 -> new F16Weights(dst, w.rows(), w.cols());
            case Q8_0 -> throw new AssertionError();
        };
    }
}
