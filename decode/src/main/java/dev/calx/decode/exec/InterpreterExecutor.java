package dev.calx.decode.exec;

import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The PythonExecutor over Calx's sandboxed GraalPy interpreter (public API only): one
 * interpreter session per problem session id, created on first use, closed by closeSession.
 * A cell whose worker was restarted (state lost) is reported as an error, so the model sees it.
 * An executor built from options starts its interpreter on the first cell, so formats that
 * never run code (cot) cost nothing.
 */
public final class InterpreterExecutor implements PythonExecutor {
    private final InterpreterOptions options;
    private PythonInterpreter interpreter;
    private final boolean owned;
    private final ConcurrentHashMap<String, PythonSession> sessions = new ConcurrentHashMap<>();

    /**
     * Starts its own interpreter with these options (closed with this executor). The interpreter
     * and its workers start on the first {@link #execute}, not here.
     *
     * @param options the interpreter's limits and pool size; not null
     */
    public InterpreterExecutor(InterpreterOptions options) {
        this.options = options;
        this.owned = true;
    }

    /**
     * Uses a shared interpreter (not closed with this executor: the caller owns it).
     *
     * @param interpreter a running interpreter; not null
     */
    public InterpreterExecutor(PythonInterpreter interpreter) {
        this.options = null;
        this.interpreter = interpreter;
        this.owned = false;
    }

    private synchronized PythonInterpreter interpreter() {
        if (interpreter == null) interpreter = new PythonInterpreter(options);
        return interpreter;
    }

    private volatile boolean ready;

    /**
     * Starts the interpreter (if not yet) and, the first time, waits until its workers are ready
     * (not its spares); later calls return at once (a worker restarted after a kill is waited for
     * by the cell that needs it).
     */
    @Override
    public void start() {
        if (ready) return;
        interpreter().awaitWorkers();
        ready = true;
    }

    @Override
    public ExecutionResult execute(String sessionId, String code) {
        PythonSession s = sessions.computeIfAbsent(sessionId, id -> interpreter().newSession());
        CellResult r = s.run(code);
        String error = r.error();
        if (error == null && r.stateLost()) error = "RuntimeError: the interpreter restarted; earlier definitions are gone";
        return new ExecutionResult(r.output(), error, r.timedOut(), r.truncated());
    }

    @Override
    public void closeSession(String sessionId) {
        PythonSession s = sessions.remove(sessionId);
        if (s != null) s.close();
    }

    @Override
    public void close() {
        sessions.values().forEach(PythonSession::close);
        sessions.clear();
        synchronized (this) {
            if (owned && interpreter != null) interpreter.close();
        }
    }
}
