package dev.calx.tensor.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The few device operations the CUDA backend needs: plain allocations, copies through one host
 * staging buffer, and column-major cuBLAS GEMMs. {@link JCudaDevice} implements it with JCuda
 * and cuBLAS; the tests also run the whole backend against a simulated device written from the
 * BLAS definition, so the row-major mapping, packing and chunking are checked on machines
 * without a GPU.
 *
 * <p>Callers hold the context lock; implementations need not be thread-safe. GEMM operands are
 * whole buffers holding column-major matrices starting at byte 0.
 */
interface Device extends AutoCloseable {

    /** "device 0 (NVIDIA H100 80GB HBM3)". */
    String name();

    /** One line: device, memory, driver/runtime/cuBLAS versions, math mode. */
    String describe();

    /** Makes this device current for the calling thread (CUDA's current device is per thread). */
    void bind();

    /**
     * Allocates {@code bytes} of plain device memory (never managed memory).
     *
     * @throws DeviceOutOfMemoryException naming {@code what}, the bytes asked for and the bytes free
     */
    Object malloc(long bytes, String what);

    void free(Object handle);

    /** The host buffer every transfer goes through (pinned memory on a real device). */
    MemorySegment staging();

    /** Copies staging[0, bytes) to dst at byte offset dstOff. */
    void upload(Object dst, long dstOff, long bytes);

    /** Copies bytes from src at byte offset srcOff into staging[0, bytes). */
    void download(Object src, long srcOff, long bytes);

    /** {free, total} device memory in bytes. */
    long[] memInfo();

    /** fp32 column-major {@code C = alpha op(A) op(B) + beta C}, as cublasSgemm. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               Object a, int lda, Object b, int ldb, float beta, Object c, int ldc);

    /** As cublasSgemmStridedBatched; strides in elements. */
    void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             Object a, int lda, long strideA, Object b, int ldb, long strideB,
                             float beta, Object c, int ldc, long strideC, int batch);

    /** A and B bf16, C fp32, fp32 accumulation (cublasGemmEx with CUBLAS_COMPUTE_32F). */
    void gemmBf16(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  Object a, int lda, Object b, int ldb, float beta, Object c, int ldc);

    @Override
    void close();
}
