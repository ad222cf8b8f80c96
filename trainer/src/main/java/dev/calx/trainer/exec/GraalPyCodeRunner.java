package dev.calx.trainer.exec;

import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs programs in the sandboxed GraalPy interpreter (the one decoding uses), so that training
 * data needs no CPython: each program gets a fresh {@link PythonSession} (fresh namespace, warm
 * worker with SymPy already imported). {@link #runAll} spreads programs over the interpreter's
 * workers. A timeout, a lost state or a Python exception comes back as {@link Result#error()}.
 */
public final class GraalPyCodeRunner implements CodeRunner, AutoCloseable {
    private final PythonInterpreter interpreter;
    private final InterpreterOptions options;
    private final boolean owned;

    /**
     * Starts its own interpreter; {@link #close()} stops it.
     *
     * @param options the interpreter's options; its worker count also bounds {@link #runAll}'s parallelism
     */
    public GraalPyCodeRunner(InterpreterOptions options) {
        this.interpreter = new PythonInterpreter(options);
        this.options = options;
        this.owned = true;
    }

    /**
     * Uses an interpreter the caller owns (not closed by {@link #close()}).
     *
     * @param interpreter the running interpreter
     * @param options     the options it was started with (worker count and timeout, for
     *                    {@link #runAll} and {@link #describe})
     */
    public GraalPyCodeRunner(PythonInterpreter interpreter, InterpreterOptions options) {
        this.interpreter = interpreter;
        this.options = options;
        this.owned = false;
    }

    @Override
    public Result run(String code) {
        try (PythonSession s = interpreter.newSession()) {
            return toResult(s.run(code));
        }
    }

    static Result toResult(CellResult r) {
        // a one-cell program in a fresh session: a lost earlier state cannot matter; a cut output would
        if (r.timedOut()) return new Result(r.output(), r.error() == null ? "TimeoutError" : r.error());
        if (r.truncated() && r.ok()) return new Result(r.output(), "output truncated by the interpreter's limit");
        return new Result(r.output(), r.error());
    }

    @Override
    public List<Result> runAll(List<String> programs) {
        int threads = Math.max(1, Math.min(options.workers(), programs.size()));
        if (threads == 1) return CodeRunner.super.runAll(programs);
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory());
        try {
            List<Future<Result>> fs = new ArrayList<>(programs.size());
            for (String p : programs) fs.add(pool.submit(() -> run(p)));
            List<Result> out = new ArrayList<>(programs.size());
            for (Future<Result> f : fs) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running programs in GraalPy", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("GraalPy could not run a program: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    @Override
    public String describe() {
        return "graalpy (sandboxed, " + options.workers() + " worker(s), timeout " + options.timeout().toSeconds() + " s)";
    }

    /** Stops the interpreter's workers when this runner started them. */
    @Override
    public void close() {
        if (owned) interpreter.close();
    }
}
