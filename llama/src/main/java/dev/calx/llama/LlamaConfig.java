package dev.calx.llama;

/**
 * Llama-2 hyper-parameters, named as in Hugging Face's {@code LlamaConfig} (and config.json).
 *
 * @param hiddenSize            model width d (hidden_size), a multiple of numAttentionHeads
 * @param intermediateSize      width of the SwiGLU feed-forward (intermediate_size)
 * @param numHiddenLayers       number of decoder layers (num_hidden_layers)
 * @param numAttentionHeads     query heads (num_attention_heads); hiddenSize / numAttentionHeads is the head dim,
 *                              which must be even for RoPE
 * @param numKeyValueHeads      key/value heads (num_key_value_heads), dividing numAttentionHeads; fewer than
 *                              numAttentionHeads is grouped-query attention
 * @param vocabSize             number of token ids (vocab_size): rows of the embedding and the head
 * @param rmsNormEps            epsilon added to the mean square in RMSNorm (rms_norm_eps)
 * @param ropeTheta             RoPE base frequency (rope_theta), 10000 for Llama-2
 * @param maxPositionEmbeddings context length in tokens (max_position_embeddings): the longest session
 * @param tieWordEmbeddings     whether the output head is the embedding matrix (tie_word_embeddings)
 * @param bosTokenId            id of the beginning-of-sequence token (bos_token_id)
 * @param eosTokenId            id of the end-of-sequence token (eos_token_id)
 */
public record LlamaConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int vocabSize,
        float rmsNormEps,
        float ropeTheta,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId) {

    /**
     * Checks the shape constraints the model relies on.
     *
     * @param hiddenSize            model width d, a positive multiple of numAttentionHeads
     * @param intermediateSize      feed-forward width, positive
     * @param numHiddenLayers       number of decoder layers, positive
     * @param numAttentionHeads     query heads, positive
     * @param numKeyValueHeads      key/value heads, positive and dividing numAttentionHeads
     * @param vocabSize             number of token ids, positive
     * @param rmsNormEps            RMSNorm epsilon (not checked)
     * @param ropeTheta             RoPE base frequency (not checked)
     * @param maxPositionEmbeddings context length in tokens, positive
     * @param tieWordEmbeddings     whether the head is the embedding
     * @param bosTokenId            BOS id (not checked against vocabSize)
     * @param eosTokenId            EOS id (not checked against vocabSize)
     * @throws IllegalArgumentException when a size is not positive, the heads do not divide as
     *                                  required, or the head dim is odd
     */
    public LlamaConfig {
        if (hiddenSize <= 0 || numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " must be a positive multiple of num_attention_heads " + numAttentionHeads);
        }
        if (numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads + " must be a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if ((hiddenSize / numAttentionHeads) % 2 != 0) {
            throw new IllegalArgumentException("head dim " + hiddenSize / numAttentionHeads + " must be even for RoPE");
        }
        if (intermediateSize <= 0 || numHiddenLayers <= 0 || vocabSize <= 0 || maxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("intermediate_size, num_hidden_layers, vocab_size and max_position_embeddings must be positive");
        }
    }

    /** {@return the per-head dimension, hiddenSize / numAttentionHeads (even)} */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * The width of the key and value projections: the row count of k_proj and v_proj and of one
     * cached key or value.
     *
     * @return headDim() * numKeyValueHeads
     */
    public int kvDim() {
        return headDim() * numKeyValueHeads;
    }

    /**
     * Number of parameters (embedding, layers, final norm, untied head).
     *
     * @return the parameter count, the head counted once when tied
     */
    public long parameterCount() {
        long d = hiddenSize, kv = kvDim(), h = intermediateSize;
        long layer = d * d * 2 + d * kv * 2 + 3 * d * h + 2 * d;
        return (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2) + numHiddenLayers * layer + d;
    }

    /**
     * This config with another vocabulary size (e.g. after adding special tokens).
     *
     * @param v the new vocab_size, positive
     * @return a copy with vocabSize = v, everything else unchanged
     * @throws IllegalArgumentException when v is not positive
     */
    public LlamaConfig withVocabSize(int v) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, v,
                rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bosTokenId, eosTokenId);
    }

    /**
     * This config with another context length. RoPE has no learned positions, so any length can
     * be run, but quality past the trained length is not guaranteed.
     *
     * @param n the new max_position_embeddings in tokens, positive
     * @return a copy with maxPositionEmbeddings = n, everything else unchanged
     * @throws IllegalArgumentException when n is not positive
     */
    public LlamaConfig withMaxPositionEmbeddings(int n) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, vocabSize,
                rmsNormEps, ropeTheta, n, tieWordEmbeddings, bosTokenId, eosTokenId);
    }
}
