package dev.calx.autograd;

/**
 * A scope in which ops record nothing and allocate no gradients (inference, evaluation,
 * optimizer updates). Scopes nest; each is closed on the thread that opened it.
 * <pre>{@code
 * try (NoGrad ignored = NoGrad.enter()) {
 *     Variable logits = model.forward(batch);   // plain values, no graph
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private NoGrad() {
        GradMode.disable();
    }

    /**
     * Opens a scope on the calling thread; recording resumes when every open scope is closed.
     *
     * @return the scope, to close (try-with-resources) on the same thread
     */
    public static NoGrad enter() {
        return new NoGrad();
    }

    /**
     * True when ops on this thread currently record for backward.
     *
     * @return false inside a NoGrad scope, true otherwise
     */
    public static boolean isRecording() {
        return GradMode.enabled();
    }

    /**
     * Ends this scope. Idempotent.
     *
     * @throws IllegalStateException if called on another thread than the one that opened it
     */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("NoGrad closed on " + Thread.currentThread().getName()
                    + " but opened on " + owner.getName());
        }
        closed = true;
        GradMode.restore();
    }
}
