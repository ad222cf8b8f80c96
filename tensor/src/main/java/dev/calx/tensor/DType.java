package dev.calx.tensor;

/** Storage formats. Compute is always fp32; the others are converted inside kernels. */
public enum DType {
    F32(4, 1), BF16(2, 1), F16(2, 1),
    /** GGML's Q8_0: blocks of 32 int8 values with one fp16 scale, 34 bytes per block. */
    Q8_0(34, 32);

    /** Bytes per block, and elements per block (1 for the plain formats). */
    public final int blockBytes, blockSize;

    DType(int blockBytes, int blockSize) {
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
    }

    /** Bytes needed for n elements (n must be a multiple of blockSize). */
    public long bytes(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(this + ": element count " + n + " is not a multiple of the block size " + blockSize);
        }
        return n / blockSize * blockBytes;
    }
}
