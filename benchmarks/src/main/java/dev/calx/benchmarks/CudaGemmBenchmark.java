package dev.calx.benchmarks;

import dev.calx.tensor.Backend;
import dev.calx.tensor.Backends;
import dev.calx.tensor.DType;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import dev.calx.tensor.cuda.CudaBackend;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * GEMM throughput of the CUDA backend for transformer shapes, next to the CPU backend.
 * One op is one {@code y = x·wᵀ} with x [m][k] and w [n][k]: GFLOP/s = ops/s × 2·m·n·k / 1e9.
 * The paths show where the time goes: {@code gemm} copies both operands to the device and the
 * result back every call (what autograd's matmuls pay); {@code matmul-f32} / {@code matmul-bf16}
 * keep the weight on the device and move only activations (inference); {@code cpu} is the CPU
 * backend on the same shape. Needs a GPU: setup fails with the probe's reason otherwise.
 * Run: {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar
 * benchmarks/target/benchmarks.jar CudaGemmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CudaGemmBenchmark {
    /** m x n x k: prefill projections, the FFN up-projection, decode (m = 1), and squares. */
    @Param({"512x4096x4096", "512x11008x4096", "1x4096x4096", "1024x1024x1024", "2048x2048x2048"})
    public String shape;

    @Param({"gemm", "matmul-f32", "matmul-bf16", "cpu"})
    public String path;

    private int m, n, k;
    private Backend backend;
    private float[] x, w, y;
    private WeightMatrix weights;
    private Tensor xt, yt;

    @Setup
    public void setup() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random r = new Random(1);
        x = new float[m * k];
        w = new float[n * k];
        y = new float[m * n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        xt = Tensor.wrap(x, new int[]{m, k});
        yt = Tensor.wrap(y, new int[]{m, n});
        Tensor wt = Tensor.wrap(w, new int[]{n, k});
        if (path.equals("cpu")) {
            backend = Backends.cpu();
            return;
        }
        Object probe = CudaBackend.probe();
        if (!(probe instanceof CudaBackend cuda)) throw new IllegalStateException("CUDA not available: " + probe);
        backend = cuda.forModel("benchmark");
        weights = WeightMatrix.convert(wt, path.equals("matmul-bf16") ? DType.BF16 : DType.F32);
    }

    @TearDown
    public void tearDown() {
        if (backend instanceof CudaBackend) backend.close();
    }

    @Benchmark
    public float run() {
        switch (path) {
            case "gemm", "cpu" -> backend.gemm(false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, y, 0, n);
            default -> backend.matmul(xt, weights, yt);
        }
        return y[0];
    }
}
