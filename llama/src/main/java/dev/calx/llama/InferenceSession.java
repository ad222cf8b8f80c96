package dev.calx.llama;

/**
 * One sequence being decoded, with its KV cache. {@link #append} prefills any number of
 * tokens as one batched forward (GEMM) and returns the logits after the last one; decoding is
 * append of one token at a time. The tool loop appends execution output into the same cache.
 */
public interface InferenceSession extends AutoCloseable {
    /**
     * Tokens in the cache so far; the next appended token goes to this position.
     *
     * @return the number of cached tokens, from 0 to {@link #maxLength()}
     */
    int position();

    /**
     * The context limit (max_position_embeddings or the session's own smaller limit).
     *
     * @return the most tokens the cache can hold
     */
    int maxLength();

    /** {@return the number of logits {@link #append} returns (the model's vocab_size)} */
    int vocabSize();

    /**
     * Runs the tokens through the model at positions position()..position()+n-1 and returns
     * the logits [vocab] after the last one (a fresh array). Throws
     * {@link ContextOverflowException} when the cache would exceed maxLength().
     * The arguments are checked before anything runs, so a failed call leaves the session as it was.
     *
     * @param tokens the token ids to append, at least one, each in {@code [0, vocabSize())}
     * @return the unnormalized next-token logits after the last token, {@code vocabSize()} floats
     *         owned by the caller
     * @throws ContextOverflowException when {@code position() + tokens.length > maxLength()}
     * @throws IllegalArgumentException when there are no tokens or an id is outside the vocabulary
     * @throws IllegalStateException    when the session is closed
     */
    float[] append(int... tokens);

    /**
     * Forgets everything from position p on ({@code p <= position()}). Cheap: the cache is not
     * cleared, the next append overwrites it.
     *
     * @param p the new position, from 0 to {@link #position()}
     * @throws IllegalArgumentException when p is negative or beyond the current position
     * @throws IllegalStateException    when the session is closed
     */
    void rollback(int p);

    /**
     * An independent copy of this session (shares weights, copies the cache).
     *
     * @return a new open session at the same position with the same limit; close it separately
     * @throws IllegalStateException when this session is closed
     */
    InferenceSession fork();

    /**
     * Releases the KV cache. Afterwards {@code append}, {@code rollback} and {@code fork} throw
     * IllegalStateException; closing again does nothing.
     */
    @Override
    void close();
}
