package dev.calx.trainer.exec;

import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;

/**
 * Runs programs in the interpreter module's sandboxed GraalPy workers (SymPy pre-imported), one
 * fresh session per program so that programs never see each other's variables.
 */
public final class GraalPyCodeRunner implements CodeRunner, AutoCloseable {
    private final PythonInterpreter py;

    public GraalPyCodeRunner(InterpreterOptions options) {
        this.py = new PythonInterpreter(options);
    }

    public GraalPyCodeRunner() {
        this(InterpreterOptions.defaults());
    }

    @Override
    public Result run(String code) {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run(code);
            return new Result(r.output(), r.error());
        } catch (Exception e) {
            return new Result("", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "graalpy (calx interpreter module)";
    }

    @Override
    public void close() {
        py.close();
    }
}
