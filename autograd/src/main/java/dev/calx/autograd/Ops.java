package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.function.Function;

/**
 * The differentiable ops, as static functions on {@link Variable}s. Each records a backward
 * when grad mode is on (see {@link NoGrad}) and some input requires a gradient; otherwise it
 * only computes. Activations are token-major: {@code [tokens][features]} with
 * {@code tokens = batch * seq}, sequences laid out one after the other.
 *
 * <p>A Llama block composed from these ops:
 * <pre>{@code
 * Variable h  = Ops.rmsNorm(x, attnNorm, eps);
 * Variable q  = Ops.rope(Ops.linear(h, wq), headDim, theta, batch);
 * Variable k  = Ops.rope(Ops.linear(h, wk), headDim, theta, batch);
 * Variable v  = Ops.linear(h, wv);
 * x = Ops.add(x, Ops.linear(Ops.attention(q, k, v, batch, heads, kvHeads), wo));
 * Variable m  = Ops.rmsNorm(x, ffnNorm, eps);
 * x = Ops.add(x, Ops.linear(Ops.swiglu(Ops.linear(m, wGate), Ops.linear(m, wUp)), wDown));
 * }</pre>
 */
public final class Ops {
    private Ops() {}

    /** PyTorch's default ignore index for cross-entropy targets. */
    public static final int IGNORE_INDEX = -100;

    // ------------------------------------------------------------------ matrix products

    /** {@code x · wᵀ}: x is [..., in] (leading dims are tokens), w is [out][in] (a Linear layer's weight). */
    public static Variable linear(Variable x, Variable w) {
        return MatmulOp.apply("linear", x, false, w, true);
    }

    /** {@code a · b} for a [m][k] (or [..., k]) and b [k][n]. */
    public static Variable matmul(Variable a, Variable b) {
        return MatmulOp.apply("matmul", a, false, b, false);
    }

    /** {@code op(a) · op(b)} with op = transpose where asked (BLAS layouts, no copies). */
    public static Variable matmul(Variable a, boolean transA, Variable b, boolean transB) {
        return MatmulOp.apply("matmul", a, transA, b, transB);
    }

    // ------------------------------------------------------------------ elementwise

    /** a + b; b has a's shape or is a single row (length a.cols) added to every row. */
    public static Variable add(Variable a, Variable b) {
        return ElementwiseOps.add(a, b);
    }

    /** a * b elementwise; b has a's shape or is a single row broadcast over the rows. */
    public static Variable mul(Variable a, Variable b) {
        return ElementwiseOps.mul(a, b);
    }

    /** a * s. */
    public static Variable scale(Variable a, float s) {
        return ElementwiseOps.scale(a, s);
    }

    /** The sum of all elements, as a scalar. */
    public static Variable sum(Variable a) {
        return ElementwiseOps.sum(a);
    }

    /** x * sigmoid(x). */
    public static Variable silu(Variable x) {
        return ElementwiseOps.silu(x);
    }

    /** silu(gate) * up, fused (Llama's feed-forward nonlinearity). */
    public static Variable swiglu(Variable gate, Variable up) {
        return ElementwiseOps.swiglu(gate, up);
    }

    // ------------------------------------------------------------------ transformer ops

    /** Fused RMSNorm over the last dimension: x / sqrt(mean(x²) + eps) * weight. */
    public static Variable rmsNorm(Variable x, Variable weight, float eps) {
        return RmsNormOp.apply(x, weight, eps);
    }

    /**
     * Rotary embedding on x [tokens][heads * headDim] (interleaved pairs, Meta / llama2.c
     * convention), row r at position positions[r].
     */
    public static Variable rope(Variable x, int headDim, float theta, int[] positions) {
        return RopeOp.apply(x, headDim, theta, positions);
    }

    /** Rotary embedding for batch sequences of equal length laid out one after the other (positions 0..seq-1 each). */
    public static Variable rope(Variable x, int headDim, float theta, int batch) {
        return RopeOp.apply(x, headDim, theta, RopeOp.positions(x.value().rows(), batch));
    }

    /**
     * Causal scaled-dot-product attention (scale 1/sqrt(headDim)) with grouped-query heads:
     * q [batch*seq][heads*headDim], k and v [batch*seq][kvHeads*headDim]; query head h uses kv
     * head h / (heads / kvHeads). Returns [batch*seq][heads*headDim].
     */
    public static Variable attention(Variable q, Variable k, Variable v, int batch, int heads, int kvHeads) {
        return AttentionOp.apply(q, k, v, batch, heads, kvHeads, null);
    }

    /**
     * Attention for packed samples: as {@link #attention(Variable, Variable, Variable, int, int, int)}
     * but a token sees only earlier tokens of its own sample, a sample being a run of equal
     * segmentIds (batch*seq entries) within a sequence.
     */
    public static Variable attention(Variable q, Variable k, Variable v, int batch, int heads, int kvHeads,
                                     int[] segmentIds) {
        return AttentionOp.apply(q, k, v, batch, heads, kvHeads, segmentIds);
    }

    /** Rows ids[i] of table [vocab][dim]; the gradient is added into the used rows only. */
    public static Variable embedding(Variable table, int[] ids) {
        return EmbeddingOp.apply(table, ids);
    }

    /**
     * Fused log-softmax cross-entropy over logits [tokens][vocab]: the sum over tokens whose
     * target is not ignoreIndex of {@code -log softmax(logits)[target]}, divided by count. Pass
     * the number of counted tokens in the whole optimizer step as count so that gradient
     * accumulation over micro-batches gives the step's mean.
     */
    public static Variable crossEntropy(Variable logits, int[] targets, int ignoreIndex, float count) {
        return CrossEntropyOp.apply(logits, targets, ignoreIndex, count);
    }

    /** Mean cross-entropy over the targets that are not {@link #IGNORE_INDEX}. */
    public static Variable crossEntropy(Variable logits, int[] targets) {
        int n = CrossEntropyOp.counted(targets, IGNORE_INDEX);
        if (n == 0) throw new IllegalArgumentException("crossEntropy: every one of the " + targets.length + " targets is ignored");
        return CrossEntropyOp.apply(logits, targets, IGNORE_INDEX, n);
    }

    /**
     * {@code crossEntropy(linear(x, w), targets, ignoreIndex, count)} without materializing the
     * [tokens][vocab] logits or their gradient: rows are processed in chunks and the backward
     * recomputes each chunk's logits (one extra GEMM of the projection). For large vocabularies
     * when memory matters more than that GEMM.
     */
    public static Variable linearCrossEntropy(Variable x, Variable w, int[] targets, int ignoreIndex, float count) {
        return LinearCrossEntropyOp.apply(x, w, targets, ignoreIndex, count);
    }

    // ------------------------------------------------------------------ shapes

    /** The same elements in a new shape (one dimension may be -1); shares storage. */
    public static Variable reshape(Variable x, int... shape) {
        return ShapeOps.reshape(x, shape);
    }

    /** Dimensions a and b swapped (a contiguous copy). */
    public static Variable transpose(Variable x, int a, int b) {
        return ShapeOps.transpose(x, a, b);
    }

    /** Elements [from, to) along dim (a contiguous copy). */
    public static Variable slice(Variable x, int dim, int from, int to) {
        return ShapeOps.slice(x, dim, from, to);
    }

    // ------------------------------------------------------------------ checkpointing

    /**
     * Activation checkpointing: runs fn without recording (its activations are dropped right
     * away) and runs it again, recording, during backward, to get the gradients of the inputs
     * and of the parameters fn uses. fn must be deterministic. Use it per transformer block for
     * long sequences: memory drops to the block inputs plus one block's activations.
     */
    public static Variable checkpoint(Function<Variable[], Variable> fn, Variable... inputs) {
        return CheckpointOp.apply(fn, inputs);
    }

    /** Wraps a tensor as a constant (shorthand for {@link Variable#constant}). */
    public static Variable constant(Tensor t) {
        return Variable.constant(t);
    }
}
