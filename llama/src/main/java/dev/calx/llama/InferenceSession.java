package dev.calx.llama;

/**
 * One sequence being decoded, with its KV cache. {@link #append} prefills any number of
 * tokens as one batched forward (GEMM) and returns the logits after the last one; decoding is
 * append of one token at a time. The tool loop appends execution output into the same cache.
 */
public interface InferenceSession extends AutoCloseable {
    /** Tokens in the cache so far. */
    int position();

    /** The context limit (max_position_embeddings or the session's own smaller limit). */
    int maxLength();

    int vocabSize();

    /**
     * Runs the tokens through the model at positions position()..position()+n-1 and returns
     * the logits [vocab] after the last one (a fresh array). Throws
     * {@link ContextOverflowException} when the cache would exceed maxLength().
     */
    float[] append(int... tokens);

    /** Forgets everything from position p on ({@code p <= position()}). */
    void rollback(int p);

    /** An independent copy of this session (shares weights, copies the cache). */
    InferenceSession fork();

    @Override
    void close();
}
