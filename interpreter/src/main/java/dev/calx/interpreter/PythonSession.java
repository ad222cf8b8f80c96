package dev.calx.interpreter;

/**
 * The cells of one problem: they share one Python namespace (variables, functions, imports), in
 * order. Get one from {@link PythonInterpreter#newSession()}; close it when the problem is done.
 * Thread-safe, but cells of one session run one at a time.
 */
public interface PythonSession extends AutoCloseable {
    /**
     * Runs one cell under the interpreter's limits. Never throws for anything the code does:
     * Python exceptions, timeouts, memory exhaustion and a crashed worker all come back as a
     * result with {@link CellResult#error()} set. Blocks while another cell of this session, or
     * of another session on the same worker, is running.
     *
     * @param code Python source of the cell; a trailing expression's repr is added to the output
     * @return what the cell produced
     * @throws IllegalStateException when the session is closed, the calling thread is
     *         interrupted, or no worker could be started for it
     */
    CellResult run(String code);

    /**
     * A name for logs and for the {@code calx python} protocol.
     *
     * @return the session id, unique within this JVM ({@code "s1"}, {@code "s2"}, ...)
     */
    String id();

    /** Forgets the namespace. Later {@link #run} calls fail with IllegalStateException. */
    @Override
    void close();
}
