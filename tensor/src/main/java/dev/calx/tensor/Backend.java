package dev.calx.tensor;

/**
 * Every numeric op above the tensor engine goes through a Backend. Tensors passed to kernels
 * must have stride 1 in their last dimension; rows are walked with {@link Tensor#rowOffset}.
 * Matrix arguments are 2-D (or viewed as [rows][cols]).
 *
 * <p>The CPU backend implements everything; the CUDA backend accelerates the GEMMs and may
 * delegate the row kernels to the CPU backend.
 */
public interface Backend extends AutoCloseable {

    /** Short name: "cpu", "cuda". */
    String name();

    /** One line saying what this backend is (SIMD width, threads, device). */
    String describe();

    // ---------------------------------------------------------------- GEMM (the one entry point)

    /**
     * BLAS-style row-major GEMM: {@code C = alpha * op(A) · op(B) + beta * C} where op(A) is
     * [m][k] and op(B) is [k][n]. A is stored [m][k] (lda >= k) or, when transA, [k][m]
     * (lda >= m); likewise B is [k][n] or, when transB, [n][k]. C is [m][n] with ldc >= n.
     * The transformer layouts: {@code Y = X·Wᵀ} is (false, true); {@code dX = dY·W} is
     * (false, false); {@code dW = dYᵀ·X} is (true, false).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent GEMMs whose operands are spaced strideA/strideB/strideC floats
     * apart (attention per head). Default: a loop over {@link #gemm}.
     */
    default void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, long strideA,
                             float[] b, int bOff, int ldb, long strideB,
                             float beta, float[] c, int cOff, int ldc, long strideC, int batch) {
        for (int i = 0; i < batch; i++) {
            gemm(transA, transB, m, n, k, alpha, a, (int) (aOff + i * strideA), lda,
                    b, (int) (bOff + i * strideB), ldb, beta, c, (int) (cOff + i * strideC), ldc);
        }
    }

    /**
     * {@code y = x · wᵀ} for weights in any storage format: x is [T][in], w is [out][in], y is
     * [T][out]. T = 1 is the decode matrix-vector product; T > 1 is prefill.
     */
    void matmul(Tensor x, WeightMatrix w, Tensor y);

    // ---------------------------------------------------------------- row kernels

    /** out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight; weight has length cols. */
    void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out);

    /**
     * Row softmax. When causal, row r of the matrix view may only see columns
     * {@code 0 .. pos0 + r} (pos0 = position of the first row); masked entries become 0.
     * A row whose entries are all -inf becomes all 0 (not NaN).
     */
    void softmax(Tensor x, Tensor out, boolean causal, int pos0);

    /**
     * Rotary embedding in place on x [T][nHeads * headDim], rotating interleaved pairs
     * (2i, 2i+1) of each head (Meta's / llama2.c's convention) by angle
     * {@code pos * theta^(-2i/headDim)} with pos = pos0 + row. inverse rotates by the
     * negative angle (the backward pass).
     */
    void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse);

    /** out = x * sigmoid(x). */
    void silu(Tensor x, Tensor out);

    /** out = silu(gate) * up (Llama's SwiGLU). */
    void swiglu(Tensor gate, Tensor up, Tensor out);

    /** out = a + b; b may have the same shape or be a single row broadcast over a's rows. */
    void add(Tensor a, Tensor b, Tensor out);

    /** out = a * b elementwise; b may be a single row broadcast over a's rows. */
    void mul(Tensor a, Tensor b, Tensor out);

    /** out = a * s. */
    void scale(Tensor a, float s, Tensor out);

    /** out[i] = table[ids[i]]; table is [vocab][dim] in any storage format. */
    void embedding(WeightMatrix table, int[] ids, Tensor out);

    /** Index of the largest entry of each row (first one on ties; NaN is never chosen unless all NaN). */
    int[] argmax(Tensor x);

    /**
     * Fused cross-entropy over rows of logits [N][V]. For row i with targets[i] != ignoreIndex,
     * loss[i] = logsumexp(logits[i]) - logits[i][targets[i]]; ignored rows get loss 0. When
     * grad is non-null it receives {@code gradScale * (softmax(logits[i]) - onehot)} for counted
     * rows and 0 for ignored ones. Returns the sum of the counted losses (in double).
     */
    double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale);

    @Override
    default void close() {}
}
