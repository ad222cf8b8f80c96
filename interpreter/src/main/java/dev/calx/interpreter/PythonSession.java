package dev.calx.interpreter;

/**
 * The cells of one problem: they share one Python namespace (variables, functions, imports), in
 * order. Get one from {@link PythonInterpreter#newSession()}; close it when the problem is done.
 * Thread-safe, but cells of one session run one at a time.
 */
public interface PythonSession extends AutoCloseable {
    /** Runs one cell under the interpreter's limits. Never throws for anything the code does. */
    CellResult run(String code);

    /** A name for logs and for the {@code calx python} protocol. */
    String id();

    /** Forgets the namespace. Later {@link #run} calls fail with IllegalStateException. */
    @Override
    void close();
}
