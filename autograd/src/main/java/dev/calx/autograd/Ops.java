package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.function.Function;

/**
 * The differentiable ops, as static functions on {@link Variable}s. Each records a backward
 * when grad mode is on (see {@link NoGrad}) and some input requires a gradient; otherwise it
 * only computes. Activations are token-major: {@code [tokens][features]} with
 * {@code tokens = batch * seq}, sequences laid out one after the other.
 *
 * <p>The differentiable ops return a new {@link Variable} over a new contiguous tensor (reshape
 * returns a view of its input's storage) and never modify their inputs. Shape errors throw
 * {@link dev.calx.tensor.ShapeException} naming the op and the operands; matrix products go
 * through the selected {@link dev.calx.tensor.Backends#get() backend}.
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

    /**
     * {@code x · wᵀ}: x is [..., in] (leading dims are tokens), w is [out][in] (a Linear layer's weight).
     *
     * @param x the input [..., in]
     * @param w the weight [out][in]
     * @return x's leading dimensions followed by out
     * @throws dev.calx.tensor.ShapeException if w is not 2-D or the in dimensions differ
     */
    public static Variable linear(Variable x, Variable w) {
        return MatmulOp.apply("linear", x, false, w, true);
    }

    /**
     * {@code a · b} for a [m][k] (or [..., k]) and b [k][n].
     *
     * @param a the left operand [m][k] or [..., k]
     * @param b the right operand [k][n]
     * @return [m][n], or a's leading dimensions followed by n
     * @throws dev.calx.tensor.ShapeException if b is not 2-D or the inner dimensions differ
     */
    public static Variable matmul(Variable a, Variable b) {
        return MatmulOp.apply("matmul", a, false, b, false);
    }

    /**
     * {@code op(a) · op(b)} with op = transpose where asked (BLAS layouts, no copies).
     *
     * @param a      [m][k], or [k][m] when transA (then a must be 2-D); when not transA, leading
     *               dimensions beyond two are rows
     * @param transA use aᵀ
     * @param b      [k][n], or [n][k] when transB; always 2-D
     * @param transB use bᵀ
     * @return [m][n] (a's leading dimensions kept when a has rank above 2 and is not transposed)
     * @throws dev.calx.tensor.ShapeException if an operand has the wrong rank or the inner dimensions differ
     */
    public static Variable matmul(Variable a, boolean transA, Variable b, boolean transB) {
        return MatmulOp.apply("matmul", a, transA, b, transB);
    }

    // ------------------------------------------------------------------ elementwise

    /**
     * a + b; b has a's shape or is a single row (length a.cols) added to every row.
     *
     * @param a the left operand
     * @param b a's shape, or a vector [cols] / [1][cols] broadcast over a's rows
     * @return the sum, a's shape
     * @throws dev.calx.tensor.ShapeException if b fits neither way
     */
    public static Variable add(Variable a, Variable b) {
        return ElementwiseOps.add(a, b);
    }

    /**
     * a * b elementwise; b has a's shape or is a single row broadcast over the rows.
     *
     * @param a the left operand
     * @param b a's shape, or a vector [cols] / [1][cols] broadcast over a's rows
     * @return the product, a's shape
     * @throws dev.calx.tensor.ShapeException if b fits neither way
     */
    public static Variable mul(Variable a, Variable b) {
        return ElementwiseOps.mul(a, b);
    }

    /**
     * a * s.
     *
     * @param a the input
     * @param s the constant factor (not differentiated)
     * @return a's shape
     */
    public static Variable scale(Variable a, float s) {
        return ElementwiseOps.scale(a, s);
    }

    /**
     * The sum of all elements, as a scalar.
     *
     * @param a the input, any shape
     * @return a one-element value (shape [], summed in double, rounded to float)
     */
    public static Variable sum(Variable a) {
        return ElementwiseOps.sum(a);
    }

    /**
     * x * sigmoid(x).
     *
     * @param x the input
     * @return x's shape
     */
    public static Variable silu(Variable x) {
        return ElementwiseOps.silu(x);
    }

    /**
     * silu(gate) * up, fused (Llama's feed-forward nonlinearity).
     *
     * @param gate the gate projection [tokens][hidden]
     * @param up   the up projection, gate's shape
     * @return gate's shape
     * @throws dev.calx.tensor.ShapeException if the shapes differ
     */
    public static Variable swiglu(Variable gate, Variable up) {
        return ElementwiseOps.swiglu(gate, up);
    }

    // ------------------------------------------------------------------ transformer ops

    /**
     * Fused RMSNorm over the last dimension: x / sqrt(mean(x²) + eps) * weight.
     *
     * @param x      the input [..., dim]
     * @param weight the gain, [dim] or [1][dim]
     * @param eps    added to the mean square, {@code >= 0} (Llama: 1e-5)
     * @return x's shape
     * @throws dev.calx.tensor.ShapeException if weight is not a vector of length dim
     * @throws IllegalArgumentException       if eps is negative or NaN
     */
    public static Variable rmsNorm(Variable x, Variable weight, float eps) {
        return RmsNormOp.apply(x, weight, eps);
    }

    /**
     * Rotary embedding on x [tokens][heads * headDim] (interleaved pairs, Meta / llama2.c
     * convention), row r at position positions[r].
     *
     * @param x         the queries or keys [tokens][heads * headDim]
     * @param headDim   the head size, even and dividing the row length
     * @param theta     the RoPE base, {@code > 0} (10000 for Llama 2)
     * @param positions one position per row of x (copied)
     * @return x's shape, rotated (x itself is unchanged)
     * @throws dev.calx.tensor.ShapeException if headDim does not fit x or there is not one position per row
     * @throws IllegalArgumentException       if theta is not positive
     */
    public static Variable rope(Variable x, int headDim, float theta, int[] positions) {
        return RopeOp.apply(x, headDim, theta, positions);
    }

    /**
     * Rotary embedding for batch sequences of equal length laid out one after the other (positions 0..seq-1 each).
     *
     * @param x       the queries or keys [batch * seq][heads * headDim]
     * @param headDim the head size, even and dividing the row length
     * @param theta   the RoPE base, {@code > 0}
     * @param batch   the number of sequences; must divide x's rows
     * @return x's shape, rotated
     * @throws dev.calx.tensor.ShapeException if batch does not divide the rows or headDim does not fit x
     * @throws IllegalArgumentException       if theta is not positive
     */
    public static Variable rope(Variable x, int headDim, float theta, int batch) {
        return RopeOp.apply(x, headDim, theta, RopeOp.positions(x.value().rows(), batch));
    }

    /**
     * Causal scaled-dot-product attention (scale 1/sqrt(headDim)) with grouped-query heads:
     * q [batch*seq][heads*headDim], k and v [batch*seq][kvHeads*headDim]; query head h uses kv
     * head h / (heads / kvHeads). Returns [batch*seq][heads*headDim].
     *
     * <p>The probabilities are never stored: the backward recomputes them from one saved
     * log-sum-exp per row and head. q, k and v must be distinct values when differentiated.
     *
     * @param q       the queries [batch*seq][heads*headDim], already rotated
     * @param k       the keys [batch*seq][kvHeads*headDim], already rotated
     * @param v       the values, k's shape
     * @param batch   the number of sequences; must divide the rows
     * @param heads   query heads, a positive multiple of kvHeads
     * @param kvHeads key/value heads (heads for plain multi-head attention)
     * @return the attention output [batch*seq][heads*headDim], before the output projection
     * @throws dev.calx.tensor.ShapeException if the heads, widths or rows do not fit
     */
    public static Variable attention(Variable q, Variable k, Variable v, int batch, int heads, int kvHeads) {
        return AttentionOp.apply(q, k, v, batch, heads, kvHeads, null);
    }

    /**
     * Attention for packed samples: as {@link #attention(Variable, Variable, Variable, int, int, int)}
     * but a token sees only earlier tokens of its own sample, a sample being a run of equal
     * segmentIds (batch*seq entries) within a sequence.
     *
     * @param q          the queries [batch*seq][heads*headDim]
     * @param k          the keys [batch*seq][kvHeads*headDim]
     * @param v          the values, k's shape
     * @param batch      the number of sequences
     * @param heads      query heads, a positive multiple of kvHeads
     * @param kvHeads    key/value heads
     * @param segmentIds one id per token; consecutive equal ids form a sample (a new sequence
     *                   always starts a new sample); null for plain causal attention
     * @return the attention output [batch*seq][heads*headDim]
     * @throws dev.calx.tensor.ShapeException if the shapes do not fit or segmentIds does not
     *                                        have batch*seq entries
     */
    public static Variable attention(Variable q, Variable k, Variable v, int batch, int heads, int kvHeads,
                                     int[] segmentIds) {
        return AttentionOp.apply(q, k, v, batch, heads, kvHeads, segmentIds);
    }

    /**
     * Rows ids[i] of table [vocab][dim]; the gradient is added into the used rows only.
     *
     * @param table the embedding table [vocab][dim]
     * @param ids   token ids in [0, vocab), one per output row (copied)
     * @return [ids.length][dim]
     * @throws dev.calx.tensor.ShapeException if table is not 2-D
     * @throws IndexOutOfBoundsException      if an id is outside [0, vocab)
     */
    public static Variable embedding(Variable table, int[] ids) {
        return EmbeddingOp.apply(table, ids);
    }

    /**
     * Fused log-softmax cross-entropy over logits [tokens][vocab]: the sum over tokens whose
     * target is not ignoreIndex of {@code -log softmax(logits)[target]}, divided by count. Pass
     * the number of counted tokens in the whole optimizer step as count so that gradient
     * accumulation over micro-batches gives the step's mean.
     *
     * @param logits      the logits [tokens][vocab]
     * @param targets     one target per row, in [0, vocab) or ignoreIndex (copied)
     * @param ignoreIndex the target of rows that do not count, e.g. {@link #IGNORE_INDEX}
     * @param count       the divisor, positive and finite (usually the number of counted tokens)
     * @return the loss in nats, a one-element value of shape []
     * @throws dev.calx.tensor.ShapeException if there is not one target per row
     * @throws IndexOutOfBoundsException      if a counted target is outside [0, vocab)
     * @throws IllegalArgumentException       if count is not positive and finite
     */
    public static Variable crossEntropy(Variable logits, int[] targets, int ignoreIndex, float count) {
        return CrossEntropyOp.apply(logits, targets, ignoreIndex, count);
    }

    /**
     * Mean cross-entropy over the targets that are not {@link #IGNORE_INDEX}.
     *
     * @param logits  the logits [tokens][vocab]
     * @param targets one target per row, in [0, vocab) or {@link #IGNORE_INDEX}
     * @return the mean loss in nats, a one-element value of shape []
     * @throws IllegalArgumentException       if every target is ignored
     * @throws dev.calx.tensor.ShapeException if there is not one target per row
     * @throws IndexOutOfBoundsException      if a counted target is outside [0, vocab)
     */
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
     *
     * @param x           the final hidden states [tokens][in] (any rank: leading dimensions are rows)
     * @param w           the output projection [vocab][in]
     * @param targets     one target per row, in [0, vocab) or ignoreIndex (copied)
     * @param ignoreIndex the target of rows that do not count
     * @param count       the divisor, positive and finite
     * @return the loss in nats, a one-element value of shape []
     * @throws dev.calx.tensor.ShapeException if w is not 2-D, the widths differ, or there is
     *                                        not one target per row
     * @throws IndexOutOfBoundsException      if a counted target is outside [0, vocab)
     * @throws IllegalArgumentException       if count is not positive and finite
     */
    public static Variable linearCrossEntropy(Variable x, Variable w, int[] targets, int ignoreIndex, float count) {
        return LinearCrossEntropyOp.apply(x, w, targets, ignoreIndex, count);
    }

    // ------------------------------------------------------------------ shapes

    /**
     * The same elements in a new shape (one dimension may be -1); shares storage.
     * (A non-contiguous value is copied first.)
     *
     * @param x     the input
     * @param shape the new dimensions, with the same element count; one may be -1
     * @return a value of the new shape
     * @throws dev.calx.tensor.ShapeException if the element counts differ or -1 appears twice
     */
    public static Variable reshape(Variable x, int... shape) {
        return ShapeOps.reshape(x, shape);
    }

    /**
     * Dimensions a and b swapped (a contiguous copy).
     *
     * @param x the input
     * @param a one dimension, in [0, rank) (negative indices are not accepted)
     * @param b the other dimension, in [0, rank)
     * @return x with dims a and b exchanged
     * @throws ArrayIndexOutOfBoundsException if a or b is outside [0, rank)
     */
    public static Variable transpose(Variable x, int a, int b) {
        return ShapeOps.transpose(x, a, b);
    }

    /**
     * Elements [from, to) along dim (a contiguous copy).
     *
     * @param x    the input
     * @param dim  the dimension, in [0, rank)
     * @param from the first index kept
     * @param to   one past the last index kept, {@code from <= to <= x.dim(dim)}
     * @return x with dim cut to {@code to - from}
     * @throws IndexOutOfBoundsException if the range does not lie in [0, x.dim(dim)]
     */
    public static Variable slice(Variable x, int dim, int from, int to) {
        return ShapeOps.slice(x, dim, from, to);
    }

    // ------------------------------------------------------------------ checkpointing

    /**
     * Activation checkpointing: runs fn without recording (its activations are dropped right
     * away) and runs it again, recording, during backward, to get the gradients of the inputs
     * and of the parameters fn uses. fn must be deterministic. Use it per transformer block for
     * long sequences: memory drops to the block inputs plus one block's activations.
     *
     * <p>The result records a node whenever grad mode is on, even if no input requires a
     * gradient, because fn may use trainable parameters it captured.
     *
     * @param fn     the computation; called once now under {@link NoGrad} and once more during
     *               backward, each time with an array of the inputs (the second time, detached
     *               leaves over the same tensors)
     * @param inputs the values fn reads from the graph; parameters fn captures need not be listed
     * @return fn's output
     */
    public static Variable checkpoint(Function<Variable[], Variable> fn, Variable... inputs) {
        return CheckpointOp.apply(fn, inputs);
    }

    /**
     * Wraps a tensor as a constant (shorthand for {@link Variable#constant}).
     *
     * @param t the tensor, shared (no copy)
     * @return a new constant
     */
    public static Variable constant(Tensor t) {
        return Variable.constant(t);
    }
}
