package dev.calx.benchmarks;

import dev.calx.tensor.CpuBackend;
import dev.calx.tensor.DType;
import dev.calx.tensor.Parallel;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What one large matrix streams at, next to numpy, measured in pairs as {@link DecodeBoundCheck}
 * does (numpy's 8192x8192 sgemv and a Calx task take turns in slices of a few seconds, and a
 * slice whose two numpy neighbours differ by more than 10% is left out of the summary). The
 * tasks read 8192x8192 matrices from DRAM (all larger than the 32 MiB L3):
 * <ul>
 *   <li>{@code LOAD}: no arithmetic, the JVM's streaming ceiling: 256 MiB of an off-heap segment
 *   read with 64-byte integer vector loads and added up, each thread reading its contiguous part
 *   as four sequential streams;</li>
 *   <li>{@code F32}, {@code BF16}, {@code Q8_0}: Calx's decode GEMV ({@code CpuBackend.matmul},
 *   one token) over a matrix stored so (256, 128 and 68 MiB).</li>
 * </ul>
 * GB/s = bytes read per pass / seconds per pass; the ratio is over the faster numpy neighbour.
 * Run it with {@code -Dcalx.threads=1} and {@code OPENBLAS_NUM_THREADS=1} in the environment
 * (numpy runs as a child process, so it inherits that) to compare one core with one core.
 * <pre>
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g -Dcalx.threads=2 \
 *     -cp benchmarks/target/benchmarks.jar dev.calx.benchmarks.StreamCheck \
 *     [--tasks LOAD,F32,BF16,Q8_0] [--rounds 4] [--seconds 2] [--python python3]
 * </pre>
 */
public final class StreamCheck {
    private static final int N = 8192;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static volatile long sink;

    private StreamCheck() {}

    /** One task: {@link #pass} reads {@link #bytes} bytes once. */
    private interface Task {
        long bytes();

        void pass();
    }

    public static void main(String[] args) throws Exception {
        String python = "python3";
        List<String> names = List.of("LOAD", "F32", "BF16", "Q8_0");
        int rounds = 4;
        double seconds = 2;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--tasks" -> names = Arrays.asList(CheckOptions.need("StreamCheck", args[i], v).split(","));
                case "--rounds" -> rounds = CheckOptions.intOption("StreamCheck", args[i], v);
                case "--seconds" -> seconds = CheckOptions.secondsOption("StreamCheck", args[i], v);
                case "--python" -> python = CheckOptions.need("StreamCheck", args[i], v);
                default -> throw new IllegalArgumentException("StreamCheck: unknown option " + args[i]
                        + " (--tasks, --rounds, --seconds, --python)");
            }
            i++;
        }
        if (rounds < 1) throw new IllegalArgumentException("StreamCheck: --rounds " + rounds + " must be at least 1");
        NumpyServe.requireScript("StreamCheck");
        List<Task> tasks = new ArrayList<>();
        for (String name : names) tasks.add(task(name));
        for (Task t : tasks) timed(t, 3); // JIT warm-up
        String blas = System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "default");
        System.out.printf(Locale.ROOT, "Calx threads %d, numpy OPENBLAS_NUM_THREADS %s, %d rounds of %.1f s slices%n",
                Parallel.threads(), blas, rounds, seconds);
        try (NumpyServe numpy = NumpyServe.start(python, seconds)) {
            double[][] gbs = new double[tasks.size()][rounds], ratio = new double[tasks.size()][rounds];
            boolean[][] steady = new boolean[tasks.size()][rounds];
            double before = numpy.read();
            System.out.println("task    GB/s  numpy before/after  % of numpy");
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < tasks.size(); k++) {
                    gbs[k][r] = timed(tasks.get(k), seconds);
                    double after = numpy.read(), best = Math.max(before, after);
                    ratio[k][r] = gbs[k][r] / best;
                    steady[k][r] = NumpyServe.steady(before, after);
                    System.out.printf(Locale.ROOT, "%-5s %6.1f  %6.1f / %6.1f  %5.1f%%%s%n", names.get(k), gbs[k][r], before, after,
                            100 * ratio[k][r], steady[k][r] ? "" : "  (neighbours differ by >10%, not counted)");
                    before = after;
                }
            }
            System.out.println("summary (slices with steady neighbours): median GB/s, median and min-max % of numpy");
            for (int k = 0; k < tasks.size(); k++) {
                double[] g = new double[rounds], q = new double[rounds];
                int n = 0;
                for (int r = 0; r < rounds; r++) {
                    if (!steady[k][r]) continue;
                    g[n] = gbs[k][r];
                    q[n++] = ratio[k][r];
                }
                if (n == 0) {
                    System.out.printf("%-5s no steady slice%n", names.get(k));
                    continue;
                }
                g = Arrays.copyOf(g, n);
                q = Arrays.copyOf(q, n);
                Arrays.sort(g);
                Arrays.sort(q);
                System.out.printf(Locale.ROOT, "%-5s %6.1f GB/s  %5.1f%%  %5.1f-%5.1f%%  (%d of %d slices)%n", names.get(k),
                        NumpyServe.median(g), 100 * NumpyServe.median(q), 100 * q[0], 100 * q[n - 1], n, rounds);
            }
        }
    }

    private static Task task(String name) {
        if (name.equals("LOAD")) return load();
        DType dt;
        try {
            dt = DType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("StreamCheck: task '" + name + "' is not LOAD, F32, BF16 or Q8_0");
        }
        if (dt != DType.F32 && dt != DType.BF16 && dt != DType.Q8_0) {
            throw new IllegalArgumentException("StreamCheck: task '" + name + "' is not LOAD, F32, BF16 or Q8_0");
        }
        Random r = new Random(42);
        Tensor wt = Tensor.zeros(N, N);
        float[] wd = wt.data();
        for (int i = 0; i < wd.length; i++) wd[i] = (float) r.nextGaussian() * 0.02f;
        WeightMatrix w = WeightMatrix.convert(wt, dt);
        Tensor x = Tensor.zeros(1, N), y = Tensor.zeros(1, N);
        for (int i = 0; i < N; i++) x.data()[i] = (float) r.nextGaussian();
        CpuBackend cpu = new CpuBackend(true);
        long bytes = dt.bytes((long) N * N);
        return new Task() {
            @Override public long bytes() { return bytes; }
            @Override public void pass() { cpu.matmul(x, w, y); sink += Float.floatToRawIntBits(y.data()[0]); }
        };
    }

    /** 256 MiB read as four sequential streams per thread, 64-byte (or the preferred) int vectors. */
    private static Task load() {
        long bytes = 256L << 20;
        MemorySegment seg = Arena.ofAuto().allocate(bytes, 64);
        for (long o = 0; o < bytes; o += 4) seg.set(ValueLayout.JAVA_INT_UNALIGNED, o, (int) (o * 2654435761L));
        int threads = Parallel.threads();
        long step = I.vectorByteSize(), part = bytes / threads / (4 * step) * (4 * step), quarter = part / 4;
        return new Task() {
            @Override public long bytes() { return part * threads; }
            @Override public void pass() {
                Parallel.forRange(threads, Long.MAX_VALUE / 4, (t0, t1) -> {
                    for (int t = t0; t < t1; t++) {
                        MemorySegment s0 = seg.asSlice(t * part, quarter), s1 = seg.asSlice(t * part + quarter, quarter);
                        MemorySegment s2 = seg.asSlice(t * part + 2 * quarter, quarter), s3 = seg.asSlice(t * part + 3 * quarter, quarter);
                        IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0;
                        for (long o = 0; o < quarter; o += step) {
                            a0 = a0.add(IntVector.fromMemorySegment(I, s0, o, ByteOrder.LITTLE_ENDIAN));
                            a1 = a1.add(IntVector.fromMemorySegment(I, s1, o, ByteOrder.LITTLE_ENDIAN));
                            a2 = a2.add(IntVector.fromMemorySegment(I, s2, o, ByteOrder.LITTLE_ENDIAN));
                            a3 = a3.add(IntVector.fromMemorySegment(I, s3, o, ByteOrder.LITTLE_ENDIAN));
                        }
                        sink += a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
                    }
                });
            }
        };
    }

    /** GB/s of task t over about {@code seconds}. */
    private static double timed(Task t, double seconds) {
        long t0 = System.nanoTime(), end = t0 + (long) (seconds * 1e9), now;
        int n = 0;
        do {
            t.pass();
            n++;
        } while ((now = System.nanoTime()) < end);
        return (double) n * t.bytes() / ((now - t0) / 1e9) / 1e9;
    }
}
