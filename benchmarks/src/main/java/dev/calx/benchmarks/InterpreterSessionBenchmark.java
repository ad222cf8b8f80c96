package dev.calx.benchmarks;

import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * A new problem from the warm pool: new session, its first cell, close. With {@code cell =
 * "from sympy import *"} it shows that sessions do not pay sympy's import (the worker pre-imported
 * it; the fresh namespace only binds the names). Target: under 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InterpreterSessionBenchmark {
    @Param({"x = 1", "from sympy import *"})
    public String cell;

    PythonInterpreter py;

    @Setup(Level.Trial)
    public void start() {
        py = new PythonInterpreter(InterpreterOptions.defaults().withSpareWorkers(0));
        if (cell.contains("sympy") && !py.awaitReady()) throw new IllegalStateException("sympy is not installed");
        py.awaitReady();
    }

    @TearDown(Level.Trial)
    public void stop() {
        py.close();
    }

    @Benchmark
    public boolean freshSessionFirstCell() {
        try (PythonSession s = py.newSession()) {
            CellResult r = s.run(cell);
            if (!r.ok()) throw new IllegalStateException("cell failed: " + r.error());
            return r.empty();
        }
    }
}
