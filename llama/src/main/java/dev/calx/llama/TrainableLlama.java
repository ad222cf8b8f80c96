package dev.calx.llama;

import dev.calx.autograd.Ops;
import dev.calx.autograd.Variable;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training forward: the same Llama as {@link LlamaSession}, composed from autograd ops over
 * a batch of equal-length sequences (token-major [batch*seq], causal). The parameters are
 * {@link Variable}s under their Hugging Face names whose values are the heap fp32 tensors of
 * {@link #weights()}, so an optimizer that updates the parameter tensors in place is seen at
 * once by inference sessions built on {@link #weights()} (sampling during training, evaluation).
 */
public final class TrainableLlama {
    private final LlamaWeights weights;
    private final Map<String, Variable> params;
    private boolean checkpointLayers;

    private TrainableLlama(LlamaWeights weights) {
        this.weights = weights;
        Map<String, Variable> p = new LinkedHashMap<>();
        for (var e : weights.named().entrySet()) {
            Tensor t = e.getValue() instanceof F32Weights f ? f.heapTensor() : (Tensor) e.getValue();
            p.put(e.getKey(), Variable.parameter(e.getKey(), t));
        }
        this.params = Collections.unmodifiableMap(p);
    }

    /**
     * Trainable parameters over these weights: used as they are when every matrix is already
     * heap fp32 (sharing them), otherwise over fp32 heap copies.
     *
     * @param w the weights; HF-ordered or non-fp32 ones are copied (see {@link LlamaWeights#toHeapF32()})
     * @return the trainable model; layer checkpointing is off
     */
    public static TrainableLlama of(LlamaWeights w) {
        boolean heap = !w.hfRopeOrder() && w.named().values().stream()
                .allMatch(o -> o instanceof Tensor || o instanceof F32Weights f && f.heapTensor() != null);
        return new TrainableLlama(heap ? w : w.toHeapF32());
    }

    /** {@return the hyper-parameters} */
    public LlamaConfig config() { return weights.config(); }

    /**
     * The inference view of the same tensors (heap fp32; sessions see parameter updates).
     *
     * @return heap fp32 weights in the interleaved RoPE order
     */
    public LlamaWeights weights() { return weights; }

    /**
     * Parameters by HF name, in checkpoint order; the tied head is the embedding (no lm_head entry).
     *
     * @return an unmodifiable map
     */
    public Map<String, Variable> parameters() { return params; }

    /** {@return the parameters in checkpoint order, as a fresh unmodifiable list (for an optimizer)} */
    public List<Variable> parameterList() { return List.copyOf(params.values()); }

    /**
     * Recompute each decoder layer during backward instead of keeping its activations.
     * Saves memory (activations of one layer at a time) at the cost of a second forward per layer.
     *
     * @param on whether later forwards checkpoint their layers
     * @return this model, for chaining
     */
    public TrainableLlama checkpointLayers(boolean on) {
        this.checkpointLayers = on;
        return this;
    }

    private Variable p(String name) {
        return params.get(name);
    }

    /**
     * Logits [batch*seq][vocab] for batch sequences of equal length laid out one after the other.
     *
     * @param tokens token ids, token-major: sequence b occupies {@code [b*seq, (b+1)*seq)}
     * @param batch  the number of sequences; must divide tokens.length
     * @return the logits variable [batch*seq][vocab]; row i predicts the token after tokens[i]
     * @throws IllegalArgumentException when batch does not divide the tokens or an id is outside the vocabulary
     * @throws ContextOverflowException when a sequence is longer than max_position_embeddings
     */
    public Variable forward(int[] tokens, int batch) {
        return forward(tokens, batch, null);
    }

    /**
     * Logits for packed samples: segmentIds (one per token, or null) marks samples within each
     * sequence; a token attends only to earlier tokens of its own sample and its RoPE position
     * counts from the start of its sample.
     *
     * @param tokens     token ids, token-major: sequence b occupies {@code [b*seq, (b+1)*seq)}
     * @param batch      the number of sequences; must divide tokens.length
     * @param segmentIds one id per token, equal for the tokens of one sample and changing between
     *                   adjacent samples; null for one sample per sequence
     * @return the logits variable [batch*seq][vocab]; row i predicts the token after tokens[i]
     * @throws IllegalArgumentException when batch does not divide the tokens, an id is outside the
     *                                  vocabulary, or segmentIds has another length
     * @throws ContextOverflowException when a sequence is longer than max_position_embeddings
     */
    public Variable forward(int[] tokens, int batch, int[] segmentIds) {
        LlamaConfig c = config();
        if (batch <= 0 || tokens.length % batch != 0) {
            throw new IllegalArgumentException("forward: " + tokens.length + " tokens do not split into " + batch + " equal sequences");
        }
        int seq = tokens.length / batch;
        if (seq > c.maxPositionEmbeddings()) throw new ContextOverflowException(c.maxPositionEmbeddings(), seq);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("forward: token " + tokens[i] + " at index " + i + " is outside [0, " + c.vocabSize() + ")");
            }
        }
        if (segmentIds != null && segmentIds.length != tokens.length) {
            throw new IllegalArgumentException("forward: " + segmentIds.length + " segment ids for " + tokens.length + " tokens");
        }
        int[] positions = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            boolean start = i % seq == 0 || segmentIds != null && segmentIds[i] != segmentIds[i - 1];
            positions[i] = start ? 0 : positions[i - 1] + 1;
        }
        Variable x = Ops.embedding(p(LlamaWeights.EMBED), tokens);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            final int layer = l;
            if (checkpointLayers) {
                x = Ops.checkpoint(in -> block(layer, in[0], batch, positions, segmentIds), x);
            } else {
                x = block(layer, x, batch, positions, segmentIds);
            }
        }
        x = Ops.rmsNorm(x, p(LlamaWeights.NORM), c.rmsNormEps());
        return Ops.linear(x, p(c.tieWordEmbeddings() ? LlamaWeights.EMBED : LlamaWeights.LM_HEAD));
    }

    /** One decoder layer: pre-norm attention and pre-norm SwiGLU feed-forward, each with a residual. */
    private Variable block(int l, Variable x, int batch, int[] positions, int[] segmentIds) {
        LlamaConfig c = config();
        int hd = c.headDim();
        Variable h = Ops.rmsNorm(x, p(LlamaWeights.layer(l, "input_layernorm")), c.rmsNormEps());
        Variable q = Ops.rope(Ops.linear(h, p(LlamaWeights.layer(l, "self_attn.q_proj"))), hd, c.ropeTheta(), positions);
        Variable k = Ops.rope(Ops.linear(h, p(LlamaWeights.layer(l, "self_attn.k_proj"))), hd, c.ropeTheta(), positions);
        Variable v = Ops.linear(h, p(LlamaWeights.layer(l, "self_attn.v_proj")));
        Variable att = Ops.attention(q, k, v, batch, c.numAttentionHeads(), c.numKeyValueHeads(), segmentIds);
        x = Ops.add(x, Ops.linear(att, p(LlamaWeights.layer(l, "self_attn.o_proj"))));
        Variable m = Ops.rmsNorm(x, p(LlamaWeights.layer(l, "post_attention_layernorm")), c.rmsNormEps());
        Variable ff = Ops.swiglu(Ops.linear(m, p(LlamaWeights.layer(l, "mlp.gate_proj"))),
                Ops.linear(m, p(LlamaWeights.layer(l, "mlp.up_proj"))));
        return Ops.add(x, Ops.linear(ff, p(LlamaWeights.layer(l, "mlp.down_proj"))));
    }

    /**
     * Cross-entropy of the next-token predictions: targets[i] is the token that should follow
     * position i ({@link Ops#IGNORE_INDEX} to skip), summed and divided by count.
     *
     * @param tokens     token ids, as for {@link #forward(int[], int, int[])}
     * @param targets    one target id per token, or {@link Ops#IGNORE_INDEX}
     * @param batch      the number of sequences
     * @param segmentIds sample ids for packed sequences, or null
     * @param count      the divisor, usually the number of targets that are not ignored (across
     *                   micro-batches, the total over all of them)
     * @return a scalar variable; call {@code backward()} on it for the gradients
     * @throws IllegalArgumentException as {@link #forward(int[], int, int[])} does
     * @throws ContextOverflowException when a sequence is longer than max_position_embeddings
     */
    public Variable loss(int[] tokens, int[] targets, int batch, int[] segmentIds, float count) {
        return Ops.crossEntropy(forward(tokens, batch, segmentIds), targets, Ops.IGNORE_INDEX, count);
    }

    /** Storage format check used by tests: every matrix is heap fp32. */
    boolean allHeapF32() {
        return weights.named().values().stream().allMatch(o -> !(o instanceof WeightMatrix w)
                || w.dtype() == DType.F32 && w instanceof F32Weights f && f.heapTensor() != null);
    }
}
