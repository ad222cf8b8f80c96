package dev.calx.benchmarks;

import dev.calx.tensor.Backends;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Placeholder-free smallest benchmark: GEMM 64^3 through the selected backend, ops/s. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class ScalarGemmSanityBenchmark {
    float[] a = new float[64 * 64], b = new float[64 * 64], c = new float[64 * 64];

    @Setup
    public void setup() {
        Random r = new Random(1);
        for (int i = 0; i < a.length; i++) { a[i] = r.nextFloat(); b[i] = r.nextFloat(); }
    }

    @Benchmark
    public float gemm64() {
        Backends.get().gemm(false, true, 64, 64, 64, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 64);
        return c[0];
    }
}
