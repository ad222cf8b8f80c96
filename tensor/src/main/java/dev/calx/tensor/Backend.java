package dev.calx.tensor;

/**
 * Every numeric op above the tensor engine goes through a Backend. Tensors passed to kernels
 * must have stride 1 in their last dimension; rows are walked with {@link Tensor#rowOffset}.
 * Matrix arguments are 2-D (or viewed as [rows][cols]).
 *
 * <p>The CPU backend implements everything; the CUDA backend accelerates the GEMMs and may
 * delegate the row kernels to the CPU backend.
 *
 * <p>Output tensors are caller-allocated and written in place; unless a method says otherwise,
 * an output may be the same tensor as an input of the same shape. Implementations check shapes
 * and throw {@link ShapeException} (an {@link IllegalArgumentException}) naming the op and the
 * shapes when they do not fit. The {@link Backends#get() selected} backend is shared by the
 * whole process; its methods may be called from several threads.
 */
public interface Backend extends AutoCloseable {

    /**
     * Short name: "cpu", "cuda".
     *
     * @return the backend's short name, as accepted by {@code -Dcalx.backend}
     */
    String name();

    /**
     * One line saying what this backend is (SIMD width, threads, device).
     *
     * @return a human-readable one-line description, for logs and {@code --backend} reports
     */
    String describe();

    // ---------------------------------------------------------------- GEMM (the one entry point)

    /**
     * BLAS-style row-major GEMM: {@code C = alpha * op(A) · op(B) + beta * C} where op(A) is
     * [m][k] and op(B) is [k][n]. A is stored [m][k] (lda >= k) or, when transA, [k][m]
     * (lda >= m); likewise B is [k][n] or, when transB, [n][k]. C is [m][n] with ldc >= n.
     * The transformer layouts: {@code Y = X·Wᵀ} is (false, true); {@code dX = dY·W} is
     * (false, false); {@code dW = dYᵀ·X} is (true, false).
     *
     * <p>As in BLAS, beta = 0 overwrites C without reading it (NaN or garbage in C does not
     * propagate), and k = 0 only scales C by beta. C must not overlap A or B.
     *
     * @param transA whether A is stored transposed ([k][m])
     * @param transB whether B is stored transposed ([n][k])
     * @param m      rows of op(A) and of C, {@code >= 0}
     * @param n      columns of op(B) and of C, {@code >= 0}
     * @param k      the inner dimension, {@code >= 0}
     * @param alpha  factor on the product
     * @param a      storage of A
     * @param aOff   index in {@code a} of A's first element
     * @param lda    distance in floats between consecutive stored rows of A
     * @param b      storage of B
     * @param bOff   index in {@code b} of B's first element
     * @param ldb    distance in floats between consecutive stored rows of B
     * @param beta   factor on the old contents of C (0: C is only written)
     * @param c      storage of C, written in place
     * @param cOff   index in {@code c} of C's first element
     * @param ldc    distance in floats between consecutive rows of C
     * @throws ShapeException if a size is negative, a leading dimension is smaller than its
     *                        row length, or an operand does not fit in its array
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent GEMMs whose operands are spaced strideA/strideB/strideC floats
     * apart (attention per head). Default: a loop over {@link #gemm}. Problem i uses
     * {@code a} from {@code aOff + i * strideA}, and likewise for B and C; a stride of 0 shares
     * one operand between all problems. Implementations may run the problems in parallel, so
     * the C regions of different problems should not overlap.
     *
     * @param transA  whether each A is stored transposed ([k][m])
     * @param transB  whether each B is stored transposed ([n][k])
     * @param m       rows of each op(A) and C
     * @param n       columns of each op(B) and C
     * @param k       the inner dimension of each product
     * @param alpha   factor on each product
     * @param a       storage of all the A matrices
     * @param aOff    index in {@code a} of the first A's first element
     * @param lda     row distance within each A, in floats
     * @param strideA distance between consecutive A matrices, in floats
     * @param b       storage of all the B matrices
     * @param bOff    index in {@code b} of the first B's first element
     * @param ldb     row distance within each B, in floats
     * @param strideB distance between consecutive B matrices, in floats
     * @param beta    factor on the old contents of each C (0: C is only written)
     * @param c       storage of all the C matrices, written in place
     * @param cOff    index in {@code c} of the first C's first element
     * @param ldc     row distance within each C, in floats
     * @param strideC distance between consecutive C matrices, in floats
     * @param batch   number of problems, {@code >= 0}
     * @throws ShapeException if any problem's operands do not fit their arrays (see {@link #gemm})
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
     * [T][out]. T = 1 is the decode matrix-vector product; T > 1 is prefill. y is overwritten
     * and must not overlap x.
     *
     * @param x the activations [T][in] (any rank: leading dimensions are rows)
     * @param w the weights [out][in], converted to fp32 on the fly
     * @param y the output [T][out], written in place
     * @throws ShapeException if the shapes do not fit or x or y lacks uniform rows
     */
    void matmul(Tensor x, WeightMatrix w, Tensor y);

    /**
     * {@code ys[i] = x · ws[i]ᵀ} for every i, one input against several weight matrices
     * (decode's q, k and v; gate and up): the same results as {@link #matmul} for each pair
     * (the CPU backend computes every row with the same kernel either way, and may run a one-row
     * x as one parallel call over all the matrices' rows). The default calls {@link #matmul} for
     * each pair.
     *
     * @param x  the activations [T][in]
     * @param ws the weights, each [out_i][in]
     * @param ys the outputs, each [T][out_i], written in place; none may overlap x or another
     * @throws ShapeException if ws and ys differ in length or a pair's shapes do not fit
     */
    default void matmul(Tensor x, WeightMatrix[] ws, Tensor[] ys) {
        Checks.matmulMany(x, ws, ys);
        for (int i = 0; i < ws.length; i++) matmul(x, ws[i], ys[i]);
    }

    // ---------------------------------------------------------------- row kernels

    /**
     * out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * weight; weight has length cols.
     *
     * @param x      the input, viewed as [rows][cols]
     * @param weight the per-feature gain, a vector of length cols
     * @param eps    added to the mean square before the square root (e.g. 1e-5)
     * @param out    the output, same rows and cols as x (may be x)
     * @throws ShapeException if out or weight does not fit x
     */
    void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out);

    /**
     * Row softmax. When causal, row r of the matrix view may only see columns
     * {@code 0 .. pos0 + r} (pos0 = position of the first row); masked entries become 0.
     * A row whose entries are all -inf becomes all 0 (not NaN).
     *
     * @param x      the scores, viewed as [rows][cols]
     * @param out    the probabilities, same rows and cols as x (may be x)
     * @param causal whether to mask the columns after each row's position
     * @param pos0   position of row 0 (the number of earlier tokens); used only when causal
     * @throws ShapeException if out does not fit x
     */
    void softmax(Tensor x, Tensor out, boolean causal, int pos0);

    /**
     * Rotary embedding in place on x [T][nHeads * headDim], rotating interleaved pairs
     * (2i, 2i+1) of each head (Meta's / llama2.c's convention) by angle
     * {@code pos * theta^(-2i/headDim)} with pos = pos0 + row. inverse rotates by the
     * negative angle (the backward pass).
     *
     * @param x       the queries or keys [T][nHeads * headDim], rotated in place
     * @param headDim the head size, even and dividing the row length
     * @param pos0    the position of row 0, {@code >= 0}
     * @param theta   the RoPE base (10000 for Llama 2)
     * @param inverse rotate by the negative angle
     * @throws ShapeException           if headDim is odd, not positive or does not divide the rows
     * @throws IllegalArgumentException if pos0 is negative
     */
    void rope(Tensor x, int headDim, int pos0, float theta, boolean inverse);

    /**
     * out = x * sigmoid(x).
     *
     * @param x   the input, viewed as [rows][cols]
     * @param out the output, same rows and cols as x (may be x)
     * @throws ShapeException if out does not fit x
     */
    void silu(Tensor x, Tensor out);

    /**
     * out = silu(gate) * up (Llama's SwiGLU).
     *
     * @param gate the gate projection, viewed as [rows][cols]
     * @param up   the up projection, same rows and cols as gate
     * @param out  the output, same rows and cols as gate (may be gate or up)
     * @throws ShapeException if the three shapes differ
     */
    void swiglu(Tensor gate, Tensor up, Tensor out);

    /**
     * out = a + b; b may have the same shape or be a single row broadcast over a's rows.
     *
     * @param a   the left operand, viewed as [rows][cols]
     * @param b   [rows][cols] like a, or one row of cols elements
     * @param out the sum, same rows and cols as a (may be a)
     * @throws ShapeException if b or out does not fit a
     */
    void add(Tensor a, Tensor b, Tensor out);

    /**
     * out = a * b elementwise; b may be a single row broadcast over a's rows.
     *
     * @param a   the left operand, viewed as [rows][cols]
     * @param b   [rows][cols] like a, or one row of cols elements
     * @param out the product, same rows and cols as a (may be a)
     * @throws ShapeException if b or out does not fit a
     */
    void mul(Tensor a, Tensor b, Tensor out);

    /**
     * out = a * s.
     *
     * @param a   the input, viewed as [rows][cols]
     * @param s   the factor
     * @param out the output, same rows and cols as a (may be a)
     * @throws ShapeException if out does not fit a
     */
    void scale(Tensor a, float s, Tensor out);

    /**
     * out[i] = table[ids[i]]; table is [vocab][dim] in any storage format.
     *
     * @param table the embedding table [vocab][dim]
     * @param ids   token ids, each in [0, vocab)
     * @param out   the output [ids.length][dim], written in place
     * @throws ShapeException            if out is not [ids.length][dim]
     * @throws IndexOutOfBoundsException if an id is outside [0, vocab)
     */
    void embedding(WeightMatrix table, int[] ids, Tensor out);

    /**
     * Index of the largest entry of each row (first one on ties; NaN is never chosen unless all NaN).
     *
     * @param x the values, viewed as [rows][cols] (e.g. logits [T][vocab])
     * @return one column index per row (0 for a row that is all NaN), a new array
     * @throws ShapeException if x lacks uniform rows
     */
    int[] argmax(Tensor x);

    /**
     * Fused cross-entropy over rows of logits [N][V]. For row i with targets[i] != ignoreIndex,
     * loss[i] = logsumexp(logits[i]) - logits[i][targets[i]]; ignored rows get loss 0. When
     * grad is non-null it receives {@code gradScale * (softmax(logits[i]) - onehot)} for counted
     * rows and 0 for ignored ones. Returns the sum of the counted losses (in double).
     *
     * @param logits      the logits [N][V]
     * @param targets     N target ids, each in [0, V) or equal to ignoreIndex
     * @param ignoreIndex the target value of rows that do not count (e.g. -100)
     * @param loss        receives the N per-row losses in nats, or null; at least N long
     * @param grad        receives the gradient [N][V] (may be logits itself), or null
     * @param gradScale   factor on the gradient, typically {@code 1 / countedTokens}
     * @return the sum of the per-row losses of the counted rows, in nats (not divided by N)
     * @throws ShapeException            if targets, loss or grad do not fit the logits
     * @throws IndexOutOfBoundsException if a counted target is outside [0, V)
     */
    double crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float[] loss, Tensor grad, float gradScale);

    /**
     * Releases what this backend holds beyond the heap (device memory of uploaded weights).
     * The default does nothing; the CPU backend holds nothing to release.
     */
    @Override
    default void close() {}
}
