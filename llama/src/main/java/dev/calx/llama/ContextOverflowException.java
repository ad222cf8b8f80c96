package dev.calx.llama;

/** Appending would exceed the context length; says the limit and the length asked for. */
public final class ContextOverflowException extends IllegalStateException {
    private final int limit, requested;

    public ContextOverflowException(int limit, int requested) {
        super("context overflow: " + requested + " tokens requested but the context limit is " + limit);
        this.limit = limit;
        this.requested = requested;
    }

    public int limit() { return limit; }

    public int requested() { return requested; }
}
