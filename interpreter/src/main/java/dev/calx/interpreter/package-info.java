/**
 * Sandboxed GraalPy for model-written Python. Public API: {@link dev.calx.interpreter.PythonInterpreter}
 * (a pool of killable worker processes; {@code AutoCloseable}), configured by the immutable
 * {@link dev.calx.interpreter.InterpreterOptions} ({@code defaults()} and {@code with...} methods);
 * {@link dev.calx.interpreter.PythonSession} (one problem's state across cells; {@code AutoCloseable})
 * and {@link dev.calx.interpreter.CellResult} (output, error, timeout, truncation). The worker
 * protocol and the GraalPy runtime are in {@code dev.calx.interpreter.internal}.
 */
package dev.calx.interpreter;
