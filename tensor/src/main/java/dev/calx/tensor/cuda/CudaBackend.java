package dev.calx.tensor.cuda;

import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.Checks;
import dev.calx.tensor.CpuBackend;
import dev.calx.tensor.ShapeException;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

/**
 * The CUDA backend: GEMMs on an NVIDIA GPU through cuBLAS (JCuda bindings), row kernels on the
 * CPU backend. Found by {@link Backends} through {@link #probe()}, which never throws.
 *
 * <p><b>Row-major on a column-major library.</b> A row-major matrix M [r][c] with leading
 * dimension ld is, read column-major, Mᵀ [c][r] with the same ld. So row-major
 * {@code C = op(A)·op(B)} is column-major {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}: call cuBLAS with the
 * operands swapped, the same transpose flags, and m and n swapped:
 * {@code sgemm(opB, opA, n, m, k, B, ldb, A, lda, C, ldc)}. For {@code Y = X·Wᵀ} with W [out][in]
 * that is {@code sgemm(T, N, out, T, in, W, in, X, in, Y, out)}.
 *
 * <p><b>Data movement.</b> Weight matrices passed to {@link #matmul} live on the device in this
 * backend's {@link DeviceArena} (uploaded once, refreshed when a heap parameter's version
 * changes). Operands of {@link #gemm} and {@link #gemmBatched} are plain arrays, so they are
 * copied to the device and the result back on every call; that transfer is part of what the
 * benchmark measures. All device matrices are compact (strided host rows are packed on upload).
 *
 * <p><b>Precision.</b> fp32 GEMMs by default; TF32 tensor cores only with
 * {@code -Dcalx.cuda.tf32=true}. bf16 weights stay bf16 on the device and go through
 * {@code cublasGemmEx} with bf16 inputs and fp32 accumulation, the activations rounded to bf16
 * on upload (cuBLAS has no mixed bf16×fp32 GEMM); {@code -Dcalx.cuda.bf16gemm=false} widens them
 * to fp32 instead. fp16 and Q8_0 weights are dequantized to fp32 at upload.
 *
 * <p><b>Lifetime.</b> {@link #forModel} gives a view with its own arena; closing it frees that
 * model's weights. The device context (cuBLAS handle, scratch, staging) lives for the process.
 */
public final class CudaBackend implements Backend {
    private static final Object PROBE_LOCK = new Object();
    private static volatile Object probeOutcome;

    private final CudaContext ctx;
    private final DeviceArena arena;
    /** The root is the process-wide backend {@link Backends} hands out: closing it must not disable it. */
    private final boolean root;
    private final CpuBackend cpu = Backends.cpu();

    private CudaBackend(CudaContext ctx, DeviceArena arena, boolean root) {
        this.ctx = ctx;
        this.arena = arena;
        this.root = root;
    }

    /** A backend over a new context on this device; the root view's arena is named "default". */
    static CudaBackend over(Device device, CudaConfig config) {
        CudaContext ctx = new CudaContext(device, config);
        return new CudaBackend(ctx, new DeviceArena(ctx, "default"), true);
    }

    /**
     * Probes CUDA once per process: loads JCuda and cuBLAS, finds the device, creates a cuBLAS
     * handle and checks one small GEMM against the CPU. Returns the backend on success or, on
     * failure, one line naming the missing piece and what to install. Never throws and never
     * prints. Thread-safe; the outcome, success or failure, is cached for the process.
     *
     * @return the root {@link CudaBackend} (shared by the process, not to be closed by
     *         callers), or a {@link String} explaining why CUDA is unavailable
     */
    public static Object probe() {
        Object o = probeOutcome;
        if (o != null) return o;
        synchronized (PROBE_LOCK) {
            if (probeOutcome == null) {
                Object r;
                try {
                    r = CudaProbe.open(CudaConfig.fromSystemProperties());
                } catch (Throwable t) { // the probe must never throw: see CudaProbe.explain
                    r = CudaProbe.explain(t);
                }
                probeOutcome = r;
            }
            return probeOutcome;
        }
    }

    /**
     * A view of this backend with its own weight arena; closing the view frees that model's weights.
     * Views share the device context, so they can be used from several threads (calls are
     * serialized on the device).
     *
     * @param name the arena's name, shown in out-of-memory messages (e.g. the model file)
     * @return a new view; the caller owns it and closes it
     */
    public CudaBackend forModel(String name) {
        return new CudaBackend(ctx, new DeviceArena(ctx, name), false);
    }

    /**
     * The arena holding the weights this view has uploaded.
     *
     * @return this view's arena, owned by the view (closed with it)
     */
    public DeviceArena arena() {
        return arena;
    }

    /** {@return the options this backend's device context was opened with} */
    public CudaConfig config() {
        return ctx.config();
    }

    /**
     * {free, total} bytes of device memory now.
     *
     * @return a new two-element array from {@code cudaMemGetInfo}: free bytes, then total bytes
     * @throws CudaCallException if the CUDA call fails
     */
    public long[] memoryInfo() {
        synchronized (ctx) {
            ctx.device().bind();
            return ctx.device().memInfo();
        }
    }

    /**
     * Allocates a raw device buffer (the caller closes it). Mostly for tests of the out-of-memory
     * report; the backend itself manages its memory. On out-of-memory the backend's GEMM
     * scratch is freed and the allocation tried once more before the exception.
     *
     * @param bytes the size in bytes
     * @param what  what the buffer is for, named in messages
     * @return the new buffer
     * @throws DeviceOutOfMemoryException if the device cannot provide {@code bytes}
     */
    public DeviceBuffer allocate(long bytes, String what) {
        synchronized (ctx) {
            ctx.device().bind();
            return ctx.allocate(bytes, what);
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        CudaConfig c = ctx.config();
        return "cuda: " + ctx.device().describe() + ", " + (c.tf32() ? "TF32 tensor cores (calx.cuda.tf32)" : "fp32 GEMMs")
                + ", bf16 weights " + (c.bf16Gemm() ? "via cublasGemmEx (bf16 inputs, fp32 accumulate)" : "widened to fp32")
                + ", row kernels on the CPU";
    }

    // ---------------------------------------------------------------- GEMMs

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Checks.gemmArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) { // no products: C = beta * C, nothing worth a transfer
            cpu.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        synchronized (ctx) {
            Device d = ctx.device();
            d.bind();
            DeviceBuffer[] s = ctx.reserve(4L * aRows * aCols, 4L * bRows * bCols, 4L * m * n);
            new Transfers.Writer(d, s[CudaContext.A], 0).putRows(a, aOff, lda, aRows, aCols, false).flush();
            new Transfers.Writer(d, s[CudaContext.B], 0).putRows(b, bOff, ldb, bRows, bCols, false).flush();
            if (beta != 0) new Transfers.Writer(d, s[CudaContext.C], 0).putRows(c, cOff, ldc, m, n, false).flush();
            // row-major C = op(A)·op(B)  <=>  column-major Cᵀ = op(B)ᵀ·op(A)ᵀ (see the class comment)
            d.sgemm(transB, transA, n, m, k, alpha, s[CudaContext.B].handle(), bCols,
                    s[CudaContext.A].handle(), aCols, beta, s[CudaContext.C].handle(), n);
            new Transfers.Reader(d, s[CudaContext.C], 0, 4L * m * n).getRows(c, cOff, ldc, m, n);
        }
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, long strideA,
                            float[] b, int bOff, int ldb, long strideB,
                            float beta, float[] c, int cOff, int ldc, long strideC, int batch) {
        if (batch < 0) throw new IllegalArgumentException("gemmBatched: negative batch count " + batch);
        if (strideA < 0 || strideB < 0 || strideC <= 0 && batch > 1) {
            // overlapping or accumulating outputs: keep the sequential semantics of the default loop
            Backend.super.gemmBatched(transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                    beta, c, cOff, ldc, strideC, batch);
            return;
        }
        for (int i = 0; i < batch; i++) {
            Checks.gemmArgs(transA, transB, m, n, k, a, batchOffset("A", aOff, strideA, i), lda,
                    b, batchOffset("B", bOff, strideB, i), ldb, c, batchOffset("C", cOff, strideC, i), ldc);
        }
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) {
            Backend.super.gemmBatched(transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                    beta, c, cOff, ldc, strideC, batch);
            return;
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        // a zero host stride (one operand shared by every batch) is uploaded once and given stride 0
        int aCopies = strideA == 0 ? 1 : batch, bCopies = strideB == 0 ? 1 : batch;
        long aSize = (long) aRows * aCols, bSize = (long) bRows * bCols, cSize = (long) m * n;
        synchronized (ctx) {
            Device d = ctx.device();
            d.bind();
            DeviceBuffer[] s = ctx.reserve(4 * aSize * aCopies, 4 * bSize * bCopies, 4 * cSize * batch);
            Transfers.Writer wa = new Transfers.Writer(d, s[CudaContext.A], 0);
            for (int i = 0; i < aCopies; i++) wa.putRows(a, aOff + (int) (i * strideA), lda, aRows, aCols, false);
            wa.flush();
            Transfers.Writer wb = new Transfers.Writer(d, s[CudaContext.B], 0);
            for (int i = 0; i < bCopies; i++) wb.putRows(b, bOff + (int) (i * strideB), ldb, bRows, bCols, false);
            wb.flush();
            if (beta != 0) {
                Transfers.Writer wc = new Transfers.Writer(d, s[CudaContext.C], 0);
                for (int i = 0; i < batch; i++) wc.putRows(c, cOff + (int) (i * strideC), ldc, m, n, false);
                wc.flush();
            }
            d.sgemmStridedBatched(transB, transA, n, m, k, alpha,
                    s[CudaContext.B].handle(), bCols, strideB == 0 ? 0 : bSize,
                    s[CudaContext.A].handle(), aCols, strideA == 0 ? 0 : aSize,
                    beta, s[CudaContext.C].handle(), n, cSize, batch);
            Transfers.Reader rc = new Transfers.Reader(d, s[CudaContext.C], 0, 4 * cSize * batch);
            for (int i = 0; i < batch; i++) rc.getRows(c, cOff + (int) (i * strideC), ldc, m, n);
        }
    }

    private static int batchOffset(String operand, int off, long stride, int i) {
        long o = off + stride * i;
        if (o > Integer.MAX_VALUE) {
            throw new ShapeException("gemmBatched " + operand + ": batch " + i + " starts at " + o + ", past any Java array");
        }
        return (int) o;
    }

    /**
     * {@code y = x·wᵀ} with w resident on the device (uploaded on first use).
     *
     * @throws IllegalStateException      if this view was closed (see {@link #close()})
     * @throws DeviceOutOfMemoryException if w or the activations do not fit on the device
     */
    @Override
    public void matmul(Tensor x, WeightMatrix w, Tensor y) {
        Checks.matmul(x, w, y);
        int t = x.rows(), in = w.cols(), out = w.rows();
        if (t == 0 || out == 0) return;
        if (in == 0) {
            cpu.matmul(x, w, y);
            return;
        }
        synchronized (ctx) {
            Device d = ctx.device();
            d.bind();
            DeviceArena.Resident r = arena.resident(w); // before reserve: an OOM retry here may free scratch
            int xElem = r.bf16() ? 2 : 4;
            DeviceBuffer[] s = ctx.reserve((long) xElem * t * in, 0, 4L * t * out);
            Transfers.Writer wx = new Transfers.Writer(d, s[CudaContext.A], 0);
            float[] xd = x.data();
            for (int i = 0; i < t; i++) wx.put(xd, x.rowOffset(i), in, r.bf16());
            wx.flush();
            Object dw = r.buffer().handle(), dx = s[CudaContext.A].handle(), dy = s[CudaContext.C].handle();
            if (r.bf16()) d.gemmBf16(true, false, out, t, in, 1f, dw, in, dx, in, 0f, dy, out);
            else d.sgemm(true, false, out, t, in, 1f, dw, in, dx, in, 0f, dy, out);
            Transfers.Reader ry = new Transfers.Reader(d, s[CudaContext.C], 0, 4L * t * out);
            float[] yd = y.data();
            for (int i = 0; i < t; i++) ry.get(yd, y.rowOffset(i), out);
        }
    }

    // ---------------------------------------------------------------- row kernels: on the CPU

    @Override public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) { cpu.rmsNorm(x, weight, eps, out); }

    @Override public void softmax(Tensor x, Tensor out, boolean causal, int pos0) { cpu.softmax(x, out, causal, pos0); }

    @Override public void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse) { cpu.rope(x, headDim, pos0, theta, inverse); }

    @Override public void silu(Tensor x, Tensor out) { cpu.silu(x, out); }

    @Override public void swiglu(Tensor gate, Tensor up, Tensor out) { cpu.swiglu(gate, up, out); }

    @Override public void add(Tensor a, Tensor b, Tensor out) { cpu.add(a, b, out); }

    @Override public void mul(Tensor a, Tensor b, Tensor out) { cpu.mul(a, b, out); }

    @Override public void scale(Tensor a, float s, Tensor out) { cpu.scale(a, s, out); }

    @Override public void embedding(WeightMatrix table, int[] ids, Tensor out) { cpu.embedding(table, ids, out); }

    @Override public int[] argmax(Tensor x) { return cpu.argmax(x); }

    @Override
    public double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale) {
        return cpu.crossEntropy(logits, targets, ignoreIndex, loss, grad, gradScale);
    }

    /**
     * Frees the weights this view uploaded; the device context stays for other views. A view from
     * {@link #forModel} is unusable afterwards; the root backend (the one {@link Backends} hands
     * out) stays usable and uploads again on demand.
     */
    @Override
    public void close() {
        if (root) arena.clear();
        else arena.close();
    }

    /** Frees this view's weights, the scratch buffers, the cuBLAS handle and staging. For tests. */
    void closeContext() {
        arena.close();
        ctx.close();
    }

    @Override
    public String toString() {
        return "CudaBackend[" + arena.name() + "]";
    }
}
