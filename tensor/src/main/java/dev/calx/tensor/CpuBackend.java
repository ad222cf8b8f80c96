package dev.calx.tensor;

/**
 * The CPU backend. Each kernel has an obvious scalar path (in {@link ScalarKernels}); the
 * Vector API paths are used when {@code calx.simd} is true (the default) and checked against
 * the scalar ones in the tests.
 */
public final class CpuBackend implements Backend {
    private final boolean simd;

    /** A CPU backend using the Vector API unless {@code -Dcalx.simd=false}. */
    public CpuBackend() {
        this(Boolean.parseBoolean(System.getProperty("calx.simd", "true")));
    }

    /**
     * A CPU backend with the given kernel choice (tests compare the two).
     * Both share the worker pool of {@link Parallel}.
     *
     * @param simd true for the Vector API kernels, false for the scalar {@link ScalarKernels}
     */
    public CpuBackend(boolean simd) {
        this.simd = simd;
    }

    /** {@return whether this backend runs the Vector API kernels (false: the scalar reference loops)} */
    public boolean simd() {
        return simd;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: " + (simd ? "Vector API, GEMM tile " + Gemm.MR + "x" + Gemm.NR : "scalar (calx.simd=false)")
                + ", " + Parallel.threads() + " threads";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Checks.gemmArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (simd) Gemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, true);
        else ScalarKernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, long strideA,
                            float[] b, int bOff, int ldb, long strideB,
                            float beta, float[] c, int cOff, int ldc, long strideC, int batch) {
        if (batch < 0) throw new ShapeException("gemmBatched: negative batch " + batch);
        for (int i = 0; i < batch; i++) {
            Checks.gemmArgs(transA, transB, m, n, k, a, Math.toIntExact(aOff + i * strideA), lda,
                    b, Math.toIntExact(bOff + i * strideB), ldb, c, Math.toIntExact(cOff + i * strideC), ldc);
        }
        if (!simd) {
            Backend.super.gemmBatched(transA, transB, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB,
                    beta, c, cOff, ldc, strideC, batch);
            return;
        }
        // Independent problems: give each thread whole GEMMs (no fork inside), which beats
        // splitting each small per-head GEMM.
        Parallel.forRange(batch, (long) m * n * Math.max(k, 1), (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                Gemm.gemm(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), lda,
                        b, (int) (bOff + i * strideB), ldb, beta, c, (int) (cOff + i * strideC), ldc, batch == 1);
            }
        });
    }

    @Override
    public void matmul(Tensor x, WeightMatrix w, Tensor y) {
        Checks.matmul(x, w, y);
        if (simd) WeightKernels.matmul(x, w, y);
        else ScalarKernels.matmul(x, w, y);
    }

    @Override
    public void matmul(Tensor x, WeightMatrix[] ws, Tensor[] ys) {
        Checks.matmulMany(x, ws, ys);
        if (!simd || x.rows() != 1) {
            for (int i = 0; i < ws.length; i++) matmul(x, ws[i], ys[i]);
            return;
        }
        float[][] yd = new float[ys.length][];
        int[] yo = new int[ys.length];
        for (int i = 0; i < ys.length; i++) {
            yd[i] = ys[i].data();
            yo[i] = ys[i].rowOffset(0);
        }
        WeightKernels.gemvMany(x.data(), x.rowOffset(0), ws, yd, yo);
    }

    @Override
    public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
        Checks.rowwise("rmsNorm", x, out);
        Checks.vector("rmsNorm weight", weight, x.cols());
        if (simd) VectorKernels.rmsNorm(x, weight, eps, out);
        else ScalarKernels.rmsNorm(x, weight, eps, out);
    }

    @Override
    public void softmax(Tensor x, Tensor out, boolean causal, int pos0) {
        Checks.rowwise("softmax", x, out);
        if (simd) VectorKernels.softmax(x, out, causal, pos0);
        else ScalarKernels.softmax(x, out, causal, pos0);
    }

    @Override
    public void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse) {
        Checks.rope(x, headDim, pos0);
        if (simd) VectorKernels.rope(x, headDim, pos0, theta, inverse);
        else ScalarKernels.rope(x, headDim, pos0, theta, inverse);
    }

    @Override
    public void silu(Tensor x, Tensor out) {
        Checks.rowwise("silu", x, out);
        if (simd) VectorKernels.silu(x, out);
        else ScalarKernels.silu(x, out);
    }

    @Override
    public void swiglu(Tensor gate, Tensor up, Tensor out) {
        Checks.rowwise("swiglu", gate, up);
        Checks.rowwise("swiglu", gate, out);
        if (simd) VectorKernels.swiglu(gate, up, out);
        else ScalarKernels.swiglu(gate, up, out);
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        Checks.broadcast("add", a, b, out);
        if (simd) VectorKernels.binary(a, b, out, true);
        else ScalarKernels.binary(a, b, out, true);
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        Checks.broadcast("mul", a, b, out);
        if (simd) VectorKernels.binary(a, b, out, false);
        else ScalarKernels.binary(a, b, out, false);
    }

    @Override
    public void scale(Tensor a, float s, Tensor out) {
        Checks.rowwise("scale", a, out);
        if (simd) VectorKernels.scale(a, s, out);
        else ScalarKernels.scale(a, s, out);
    }

    @Override
    public void embedding(WeightMatrix table, int[] ids, Tensor out) {
        Checks.embedding(table, ids, out);
        if (simd) WeightKernels.embedding(table, ids, out);
        else for (int i = 0; i < ids.length; i++) table.rowToFloat(ids[i], out.data(), out.rowOffset(i));
    }

    @Override
    public int[] argmax(Tensor x) {
        Checks.rowsOk("argmax", x);
        return simd ? VectorKernels.argmax(x) : ScalarKernels.argmax(x);
    }

    @Override
    public double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale) {
        Checks.crossEntropy(logits, targets, ignoreIndex, loss, grad);
        return simd ? VectorKernels.crossEntropy(logits, targets, ignoreIndex, loss, grad, gradScale)
                : ScalarKernels.crossEntropy(logits, targets, ignoreIndex, loss, grad, gradScale);
    }
}
