package dev.calx.tensor;

/** Storage formats. Compute is always fp32; the others are converted inside kernels. */
public enum DType {
    /** IEEE fp32, 4 bytes per element. */
    F32(4, 1),
    /** bfloat16 (fp32's exponent, 7 mantissa bits), 2 bytes per element. */
    BF16(2, 1),
    /** IEEE half precision (5 exponent, 10 mantissa bits, max 65504), 2 bytes per element. */
    F16(2, 1),
    /** GGML's Q8_0: blocks of 32 int8 values with one fp16 scale, 34 bytes per block. */
    Q8_0(34, 32);

    /** Bytes per block, and elements per block (1 for the plain formats). */
    public final int blockBytes, blockSize;

    DType(int blockBytes, int blockSize) {
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
    }

    /**
     * Bytes needed for n elements (n must be a multiple of blockSize).
     *
     * @param n the number of elements
     * @return the storage size in bytes
     * @throws IllegalArgumentException if n is not a multiple of {@link #blockSize}
     */
    public long bytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(this + ": element count " + n + " is not a multiple of the block size " + blockSize);
        }
        return n / blockSize * blockBytes;
    }
}
