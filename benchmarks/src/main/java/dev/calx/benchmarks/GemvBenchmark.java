package dev.calx.benchmarks;

import dev.calx.tensor.CpuBackend;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Decode's matrix-vector product {@code y = x·wᵀ} (one token) on 2 threads, for weights stored
 * fp32, bf16 or Q8_0.
 *
 * <p>Score unit: ops/s, one op = one product with w of shape "ROWSxCOLS" ([out][in]);
 * GB/s = ops/s x weight bytes / 1e9, where weight bytes = rows·cols·4 (F32), ·2 (BF16),
 * ·34/32 (Q8_0). Both shapes are larger than the 32 MiB L3 in fp32, so fp32 reads come from DRAM.
 *
 * <p>{@code -p copies=N} cycles through N distinct matrices of the shape, one product each per
 * op (score = products/s; GB/s = ops/s x weight bytes): decode's matrices are small (768x768 at
 * stories110M) but a token reads 100+ of them, so they come from DRAM, not the cache; e.g.
 * {@code -p shape=768x768 -p copies=150}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx4g", "-Dcalx.threads=2"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GemvBenchmark {
    @Param({"4096x4096", "11008x4096"})
    public String shape;

    @Param({"F32", "BF16", "Q8_0"})
    public String dtype;

    @Param({"1"})
    public int copies;

    /**
     * {@code heap} (default: what {@code WeightMatrix.convert} gives) or {@code segment}: fp32
     * weights in an off-heap segment, as a memory-mapped checkpoint gives them (other dtypes are
     * off-heap either way).
     */
    @Param({"heap"})
    public String storage;

    WeightMatrix[] ws;
    int next;
    Tensor x, y;
    final CpuBackend cpu = new CpuBackend(true);

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        int rows = Integer.parseInt(d[0]), cols = Integer.parseInt(d[1]);
        Random r = new Random(42);
        ws = new WeightMatrix[copies];
        for (int c = 0; c < copies; c++) {
            Tensor wt = Tensor.zeros(rows, cols);
            float[] wd = wt.data();
            for (int i = 0; i < wd.length; i++) wd[i] = (float) r.nextGaussian() * 0.02f;
            if (storage.equals("segment") && dtype.equals("F32")) {
                MemorySegment seg = Arena.ofAuto().allocate(4L * wd.length, 64);
                MemorySegment.copy(wd, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, wd.length);
                ws[c] = F32Weights.of(seg, rows, cols);
            } else if (storage.equals("heap") || storage.equals("segment")) {
                ws[c] = WeightMatrix.convert(wt, DType.valueOf(dtype));
            } else {
                throw new IllegalArgumentException("GemvBenchmark: storage '" + storage + "' (heap or segment)");
            }
        }
        x = Tensor.zeros(1, cols);
        for (int i = 0; i < cols; i++) x.data()[i] = (float) r.nextGaussian();
        y = Tensor.zeros(1, rows);
    }

    @Benchmark
    public float gemv() {
        WeightMatrix w = ws[next];
        next = next + 1 == ws.length ? 0 : next + 1;
        cpu.matmul(x, w, y);
        return y.data()[0];
    }
}
