package dev.calx.decode.exec;

/**
 * Runs model-written Python. A session id names one problem's interpreter state: cells run in
 * the same session see the variables of earlier cells, as in a notebook. decode/ codes against
 * this interface only; the GraalPy interpreter module is plugged in through an adapter, so the
 * loops can be tested with any executor. Implementations must be safe to call from several
 * threads for different session ids.
 */
public interface PythonExecutor extends AutoCloseable {
    /**
     * Runs one cell in the session (created on first use). Never throws for errors in the code:
     * exceptions, timeouts and lost state come back in the result.
     *
     * @param sessionId names the problem's interpreter state (the formats use
     *                  {@code problemId + "/" + formatName})
     * @param code      Python source of the cell
     * @return the cell's output and error
     */
    ExecutionResult execute(String sessionId, String code);

    /**
     * Forgets the session's state (no-op when unknown). The tool loops call it when a problem ends.
     *
     * @param sessionId the session to drop
     */
    void closeSession(String sessionId);

    /**
     * Gets ready to run cells (starts the interpreter's processes) and waits until it can; at
     * once when it is ready. {@link #execute} gets ready by itself when this was not called:
     * callers that time cells call it first, so start-up is not counted as a cell's time. The
     * default does nothing.
     */
    default void start() {}

    /** Releases the executor's resources (processes, sessions). The default does nothing. */
    @Override
    default void close() {}
}
