package dev.calx.benchmarks;

import dev.calx.tensor.CpuBackend;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The CPU backend's GEMM on 2 threads ({@link GemmSingleThreadBenchmark}: 1 thread).
 *
 * <p>Score unit: ops/s, one op = one product {@code C[m][n] = A·op(B)} for shape "MxNxK";
 * GFLOP/s = ops/s x 2·m·n·k / 1e9 (benchmarks/compare-gemm.sh prints it). Square shapes use
 * the plain layout (A [m][k], B [k][n]); the transformer shapes (512 tokens through a 4096→4096
 * or 4096→11008 projection) use {@code Y = X·Wᵀ} with W stored [n][k], as the model does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx4g", "-Dcalx.threads=2"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemmBenchmark {
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "512x4096x4096", "512x11008x4096"})
    public String shape;

    int m, n, k;
    boolean transB;
    float[] a, b, c;
    final CpuBackend cpu = new CpuBackend(true);

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        transB = !(m == n && n == k);
        Random r = new Random(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
    }

    @Benchmark
    public float gemm() {
        cpu.gemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, transB ? k : n, 0f, c, 0, n);
        return c[c.length - 1];
    }
}
