package dev.calx.tensor.cuda;

import dev.calx.tensor.Numerics;

import java.lang.foreign.MemorySegment;

/**
 * A {@link Device} in plain Java, written from the BLAS definition of column-major GEMM
 * (C(i,j) at c[i + j*ldc], op(A)(i,p) = A[i + p*lda] or, transposed, A[p + i*lda]) and from
 * cuBLAS's documented argument rules (lda >= max(1, rows of A as stored), ldc >= max(1, m)).
 * It lets every test of the backend's row-major mapping, packing, chunking, caching and
 * out-of-memory reporting run without a GPU. Memory is a fixed capacity; the staging buffer is
 * deliberately small and not a multiple of 4 so that transfers are split mid-row.
 */
final class SimulatedDevice implements Device {
    private final long capacity;
    private final MemorySegment staging;
    private long used;
    long uploadedBytes, downloadedBytes, allocations, frees;
    /** When set, every upload throws it (a failed copy to the device, for error-path tests). */
    RuntimeException failUploads;
    private boolean closed;

    SimulatedDevice(long capacity, int stagingBytes) {
        this.capacity = capacity;
        this.staging = MemorySegment.ofArray(new byte[stagingBytes]);
    }

    private static final class Mem {
        final MemorySegment seg;
        boolean freed;

        Mem(long bytes) {
            seg = MemorySegment.ofArray(new byte[Math.toIntExact(bytes)]);
        }
    }

    @Override public String name() { return "simulated device"; }

    @Override public String describe() { return "simulated device (" + capacity + " bytes)"; }

    @Override public void bind() { if (closed) throw new IllegalStateException("simulated device closed"); }

    @Override
    public Object malloc(long bytes, String what) {
        if (used + bytes > capacity) throw new DeviceOutOfMemoryException(name(), what, bytes, capacity - used, capacity);
        used += bytes;
        allocations++;
        return new Mem(bytes);
    }

    @Override
    public void free(Object handle) {
        Mem m = (Mem) handle;
        if (m.freed) throw new IllegalStateException("double free");
        m.freed = true;
        used -= m.seg.byteSize();
        frees++;
    }

    long used() { return used; }

    @Override public MemorySegment staging() { return staging; }

    private static MemorySegment seg(Object h) {
        Mem m = (Mem) h;
        if (m.freed) throw new IllegalStateException("use after free");
        return m.seg;
    }

    @Override
    public void upload(Object dst, long dstOff, long bytes) {
        if (failUploads != null) throw failUploads;
        MemorySegment.copy(staging, 0, seg(dst), dstOff, bytes);
        uploadedBytes += bytes;
    }

    @Override
    public void download(Object src, long srcOff, long bytes) {
        MemorySegment.copy(seg(src), srcOff, staging, 0, bytes);
        downloadedBytes += bytes;
    }

    @Override public long[] memInfo() { return new long[]{capacity - used, capacity}; }

    private interface Load {
        float at(MemorySegment s, long index);
    }

    private static final Load F32 = (s, i) -> s.get(Transfers.LE_FLOAT, 4 * i);
    private static final Load BF16 = (s, i) -> Numerics.bf16ToFloat(s.get(Transfers.LE_SHORT, 2 * i));

    private static void gemm(Load load, boolean ta, boolean tb, int m, int n, int k, float alpha,
                             MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                             float beta, MemorySegment c, long cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("CUBLAS_STATUS_INVALID_VALUE: negative size");
        if (lda < Math.max(1, ta ? k : m) || ldb < Math.max(1, tb ? n : k) || ldc < Math.max(1, m)) {
            throw new IllegalArgumentException("CUBLAS_STATUS_INVALID_VALUE: lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " for m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb);
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = load.at(a, aOff + (ta ? p + (long) i * lda : i + (long) p * lda));
                    float bv = load.at(b, bOff + (tb ? j + (long) p * ldb : p + (long) j * ldb));
                    acc += av * bv;
                }
                long ci = 4 * (cOff + i + (long) j * ldc);
                float old = beta == 0 ? 0 : c.get(Transfers.LE_FLOAT, ci); // beta == 0: C is not read
                c.set(Transfers.LE_FLOAT, ci, alpha * acc + beta * old);
            }
        }
    }

    @Override
    public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Object a, int lda, Object b, int ldb,
                      float beta, Object c, int ldc) {
        gemm(F32, ta, tb, m, n, k, alpha, seg(a), 0, lda, seg(b), 0, ldb, beta, seg(c), 0, ldc);
    }

    @Override
    public void sgemmStridedBatched(boolean ta, boolean tb, int m, int n, int k, float alpha, Object a, int lda, long sa,
                                    Object b, int ldb, long sb, float beta, Object c, int ldc, long sc, int batch) {
        for (int i = 0; i < batch; i++) {
            gemm(F32, ta, tb, m, n, k, alpha, seg(a), i * sa, lda, seg(b), i * sb, ldb, beta, seg(c), i * sc, ldc);
        }
    }

    @Override
    public void gemmBf16(boolean ta, boolean tb, int m, int n, int k, float alpha, Object a, int lda, Object b, int ldb,
                         float beta, Object c, int ldc) {
        gemm(BF16, ta, tb, m, n, k, alpha, seg(a), 0, lda, seg(b), 0, ldb, beta, seg(c), 0, ldc);
    }

    @Override
    public void close() {
        closed = true;
    }
}
