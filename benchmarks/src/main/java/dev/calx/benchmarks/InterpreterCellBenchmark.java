package dev.calx.benchmarks;

import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Latency of one small cell, {@code print(1+1)}, in a warm session: the round trip parent ->
 * worker JVM -> GraalPy -> back, as the decode loop pays it per code block. Target: median
 * under 5 ms. The CPython peer is {@code benchmarks/interpreter_peer.py --micro}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InterpreterCellBenchmark {
    PythonInterpreter py;
    PythonSession session;

    @Setup(Level.Trial)
    public void start() {
        py = new PythonInterpreter(InterpreterOptions.defaults().withPreimportSympy(false).withSpareWorkers(0));
        py.awaitReady();
        session = py.newSession();
    }

    @TearDown(Level.Trial)
    public void stop() {
        session.close();
        py.close();
    }

    @Benchmark
    public String printOnePlusOne() {
        CellResult r = session.run("print(1+1)");
        if (!r.output().equals("2\n")) throw new IllegalStateException("unexpected result " + r);
        return r.output();
    }
}
