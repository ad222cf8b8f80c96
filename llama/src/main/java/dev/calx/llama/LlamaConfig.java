package dev.calx.llama;

/**
 * Llama-2 hyper-parameters, named as in Hugging Face's {@code LlamaConfig} (and config.json).
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

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    public int kvDim() {
        return headDim() * numKeyValueHeads;
    }

    /** Number of parameters (embedding, layers, final norm, untied head). */
    public long parameterCount() {
        long d = hiddenSize, kv = kvDim(), h = intermediateSize;
        long layer = d * d * 2 + d * kv * 2 + 3 * d * h + 2 * d;
        return (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2) + numHiddenLayers * layer + d;
    }

    public LlamaConfig withVocabSize(int v) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, v,
                rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, bosTokenId, eosTokenId);
    }

    public LlamaConfig withMaxPositionEmbeddings(int n) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, vocabSize,
                rmsNormEps, ropeTheta, n, tieWordEmbeddings, bosTokenId, eosTokenId);
    }
}
