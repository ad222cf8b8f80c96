import jdk.incubator.vector.*;
import java.lang.foreign.*;
import java.util.Random;

/**
 * Probe (session 28): what do the Q8_0 block scales cost in the GEMV kernel? It times, on one
 * thread, kernel a (the form of {@code WeightKernels.q8Rows4} before session 28: each block's
 * fp16 scale converted by {@code Float.float16ToFloat}, which C2 compiles to vmovd, vcvtph2ps and
 * vbroadcastss), kernel t (the scale's float read from a 64K-entry table with one broadcast
 * load, as q8Rows4 does since) and kernel u (no scale at all: not a correct product, only the
 * bound on what any scale handling could save), and checks after the timing that t's rows equal
 * a's bit for bit. Rows are adjacent (not decode's interleaved streams); with COPIES the
 * matrix is repeated so the weights come from memory instead of the caches. Not part of the
 * build; it needs tools/Q8IntDotProbe.java beside it (kernel a and the random matrix are that
 * probe's):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --add-modules jdk.incubator.vector tools/Q8ScaleProbe.java ROWS COLS [COPIES]
 * </pre>
 * The result is in benchmarks/README.md (Llama, session 28).
 */
public class Q8ScaleProbe {
    // Kernel a, q8, the constants and the random matrix are Q8IntDotProbe's (same directory:
    // the source launcher compiles it on demand).
    static final VectorSpecies<Float> F = Q8IntDotProbe.F;
    static final ValueLayout.OfShort LE_SHORT = Q8IntDotProbe.LE_SHORT;
    static final int BLOCK = Q8IntDotProbe.BLOCK, BB = Q8IntDotProbe.BB;
    static final float[] TABLE = new float[65536];
    static { for (int i = 0; i < 65536; i++) TABLE[i] = Float.float16ToFloat((short) i); }

    /** t: scales through a 64K fp16->fp32 table. */
    static void t(MemorySegment seg, int rows, int n, float[] x, float[] y) {
        long rowBytes = (long) (n / BLOCK) * BB;
        float[] tb = TABLE;
        for (int r = 0; r < rows; r += 4) {
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + rowBytes, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * rowBytes, rowBytes), s3 = seg.asSlice(b0 + 3 * rowBytes, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0; i < n; i += BLOCK, o += BB) {
                FloatVector x0 = FloatVector.fromArray(F, x, i), x1 = FloatVector.fromArray(F, x, i + 16);
                FloatVector k0 = Q8IntDotProbe.q8(s0, o + 2).mul(x0); k0 = Q8IntDotProbe.q8(s0, o + 18).fma(x1, k0);
                FloatVector k1 = Q8IntDotProbe.q8(s1, o + 2).mul(x0); k1 = Q8IntDotProbe.q8(s1, o + 18).fma(x1, k1);
                FloatVector k2 = Q8IntDotProbe.q8(s2, o + 2).mul(x0); k2 = Q8IntDotProbe.q8(s2, o + 18).fma(x1, k2);
                FloatVector k3 = Q8IntDotProbe.q8(s3, o + 2).mul(x0); k3 = Q8IntDotProbe.q8(s3, o + 18).fma(x1, k3);
                a0 = k0.fma(FloatVector.broadcast(F, tb[s0.get(LE_SHORT, o) & 0xFFFF]), a0);
                a1 = k1.fma(FloatVector.broadcast(F, tb[s1.get(LE_SHORT, o) & 0xFFFF]), a1);
                a2 = k2.fma(FloatVector.broadcast(F, tb[s2.get(LE_SHORT, o) & 0xFFFF]), a2);
                a3 = k3.fma(FloatVector.broadcast(F, tb[s3.get(LE_SHORT, o) & 0xFFFF]), a3);
            }
            y[r] = a0.reduceLanes(VectorOperators.ADD); y[r + 1] = a1.reduceLanes(VectorOperators.ADD);
            y[r + 2] = a2.reduceLanes(VectorOperators.ADD); y[r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    /** u: no scale at all (upper bound on what scale work costs). */
    static void u(MemorySegment seg, int rows, int n, float[] x, float[] y) {
        long rowBytes = (long) (n / BLOCK) * BB;
        for (int r = 0; r < rows; r += 4) {
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + rowBytes, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * rowBytes, rowBytes), s3 = seg.asSlice(b0 + 3 * rowBytes, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0; i < n; i += BLOCK, o += BB) {
                FloatVector x0 = FloatVector.fromArray(F, x, i), x1 = FloatVector.fromArray(F, x, i + 16);
                a0 = Q8IntDotProbe.q8(s0, o + 2).fma(x0, a0); a0 = Q8IntDotProbe.q8(s0, o + 18).fma(x1, a0);
                a1 = Q8IntDotProbe.q8(s1, o + 2).fma(x0, a1); a1 = Q8IntDotProbe.q8(s1, o + 18).fma(x1, a1);
                a2 = Q8IntDotProbe.q8(s2, o + 2).fma(x0, a2); a2 = Q8IntDotProbe.q8(s2, o + 18).fma(x1, a2);
                a3 = Q8IntDotProbe.q8(s3, o + 2).fma(x0, a3); a3 = Q8IntDotProbe.q8(s3, o + 18).fma(x1, a3);
            }
            y[r] = a0.reduceLanes(VectorOperators.ADD); y[r + 1] = a1.reduceLanes(VectorOperators.ADD);
            y[r + 2] = a2.reduceLanes(VectorOperators.ADD); y[r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Q8ScaleProbe ROWS COLS [COPIES] (ROWS a multiple of 4, COLS of 32)");
            System.exit(2);
        }
        int rows = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]);
        int copies = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Random rnd = new Random(1);
        MemorySegment[] segs = new MemorySegment[copies];
        for (int c = 0; c < copies; c++) segs[c] = Q8IntDotProbe.randomQ8(rows, n, rnd);
        float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        float[] ya = new float[rows], yt = new float[rows], yu = new float[rows];
        Q8IntDotProbe.a(segs[0], rows, n, x, ya); t(segs[0], rows, n, x, yt);
        int reps = Math.max(1, (int) (4e8 / ((long) rows * n * copies)));
        System.out.println("G weights/s, one thread: a committed, t table scales, u no scales");
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) for (MemorySegment s : segs) Q8IntDotProbe.a(s, rows, n, x, ya);
            long t1 = System.nanoTime();
            for (int k = 0; k < reps; k++) for (MemorySegment s : segs) t(s, rows, n, x, yt);
            long t2 = System.nanoTime();
            for (int k = 0; k < reps; k++) for (MemorySegment s : segs) u(s, rows, n, x, yu);
            long t3 = System.nanoTime();
            double w = (double) rows * n * reps * copies;
            System.out.printf("round %d: a %.2f  t %.2f  u %.2f  t/a %.3f u/a %.3f%n", round, w / (t1 - t0), w / (t2 - t1), w / (t3 - t2),
                    (double) (t1 - t0) / (t2 - t1), (double) (t1 - t0) / (t3 - t2));
        }
        Q8IntDotProbe.a(segs[0], rows, n, x, ya); t(segs[0], rows, n, x, yt);
        int diff = 0; for (int i = 0; i < rows; i++) if (ya[i] != yt[i]) diff++;
        System.out.println("rows where t differs from a after warm-up: " + diff);
    }
}
