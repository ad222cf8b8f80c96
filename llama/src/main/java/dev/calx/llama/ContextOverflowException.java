package dev.calx.llama;

/** Appending would exceed the context length; says the limit and the length asked for. */
public final class ContextOverflowException extends IllegalStateException {
    /** The context limit in tokens, and the total length in tokens that was asked for. */
    private final int limit, requested;

    /**
     * Creates the exception; its message states both lengths.
     *
     * @param limit     the context limit in tokens (a session's {@code maxLength()}, or max_position_embeddings
     *                  for a training forward)
     * @param requested the length in tokens that was asked for: the session's position plus the new
     *                  tokens, or the sequence length of a training batch
     */
    public ContextOverflowException(int limit, int requested) {
        super("context overflow: " + requested + " tokens requested but the context limit is " + limit);
        this.limit = limit;
        this.requested = requested;
    }

    /** {@return the context limit in tokens} */
    public int limit() { return limit; }

    /** {@return the length in tokens that was asked for, greater than {@link #limit()}} */
    public int requested() { return requested; }
}
