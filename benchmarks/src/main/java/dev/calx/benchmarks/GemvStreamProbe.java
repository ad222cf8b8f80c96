package dev.calx.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Why one core's GEMV bandwidth differs between weight formats and row layouts: a single-thread
 * probe (plain main, not JMH) that streams the same weights through a few kernel shapes and
 * prints GB/s (best and median call over 3 s each, all variants in one JVM, twice).
 *
 * <p>Variants (W [rows][cols] in an off-heap segment, as mapped checkpoints are):
 * {@code f32 adjacent4} (rows i..i+3 together, the fp32 decode kernel's shape),
 * {@code f32 adjacent8}, {@code f32 streams4} (rows i, i+q, i+2q, i+3q: each stream runs on
 * through consecutive rows), {@code bf16 adjacent8} (the bf16 decode kernel: load, shift, and,
 * two FMAs per 64 bytes), {@code bf16 streams8}, and the control {@code bf16-bytes adjacent4,
 * one FMA}: the fp32 kernel run over the bf16 rows' bytes, the same bytes with less work per byte
 * (its results are not a dot product).
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.calx.benchmarks.GemvStreamProbe [ROWS COLS]} (default 11008 4096; 32000 768 is the
 * stories110M head). Run it under {@code flock /tmp/calx-build.lock} on a quiet machine.
 */
public final class GemvStreamProbe {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private GemvStreamProbe() {}

    /** One kernel call: rows r, r+gap, ... (count of them) of w against x into y. */
    private interface Kernel {
        void run(MemorySegment w, int r, int gap, int cols, float[] x, float[] y);
    }

    private record Variant(String name, Kernel kernel, int group, boolean streams, boolean bf16) {}

    /** Eight fp32 rows at once, one accumulator each (named locals: C2 keeps them in registers). */
    private static void f32x8(MemorySegment w, int r, int gap, int cols, float[] x, float[] y) {
        long rb = 4L * cols, g = rb * gap, b0 = rb * r;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i + L <= cols; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, i);
            long o = b0 + 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, o, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(F, w, o + 1 * g, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(F, w, o + 2 * g, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(F, w, o + 3 * g, LE).fma(xv, a3);
            a4 = FloatVector.fromMemorySegment(F, w, o + 4 * g, LE).fma(xv, a4);
            a5 = FloatVector.fromMemorySegment(F, w, o + 5 * g, LE).fma(xv, a5);
            a6 = FloatVector.fromMemorySegment(F, w, o + 6 * g, LE).fma(xv, a6);
            a7 = FloatVector.fromMemorySegment(F, w, o + 7 * g, LE).fma(xv, a7);
        }
        y[r] = a0.reduceLanes(VectorOperators.ADD);
        y[r + 1 * gap] = a1.reduceLanes(VectorOperators.ADD);
        y[r + 2 * gap] = a2.reduceLanes(VectorOperators.ADD);
        y[r + 3 * gap] = a3.reduceLanes(VectorOperators.ADD);
        y[r + 4 * gap] = a4.reduceLanes(VectorOperators.ADD);
        y[r + 5 * gap] = a5.reduceLanes(VectorOperators.ADD);
        y[r + 6 * gap] = a6.reduceLanes(VectorOperators.ADD);
        y[r + 7 * gap] = a7.reduceLanes(VectorOperators.ADD);
    }

    private static void f32x4(MemorySegment w, int r, int gap, int cols, float[] x, float[] y) {
        long rb = 4L * cols, b0 = rb * r, b1 = b0 + rb * gap, b2 = b1 + rb * gap, b3 = b2 + rb * gap;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i + L <= cols; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, i);
            long o = 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, b0 + o, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(F, w, b1 + o, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(F, w, b2 + o, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(F, w, b3 + o, LE).fma(xv, a3);
        }
        y[r] = a0.reduceLanes(VectorOperators.ADD);
        y[r + gap] = a1.reduceLanes(VectorOperators.ADD);
        y[r + 2 * gap] = a2.reduceLanes(VectorOperators.ADD);
        y[r + 3 * gap] = a3.reduceLanes(VectorOperators.ADD);
    }

    /** bf16 rows: ints hold (even, odd) pairs; x is pre-split into even and odd halves. */
    private static void bf16x8(MemorySegment w, int r, int gap, int cols, float[] xs, float[] y) {
        int h = cols / 2;
        long rb = 2L * cols, g = rb * gap, b0 = rb * r;
        IntVector hi = IntVector.broadcast(I, 0xffff0000);
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int j = 0; j + L <= h; j += L) {
            FloatVector xe = FloatVector.fromArray(F, xs, j), xd = FloatVector.fromArray(F, xs, h + j);
            long o = b0 + 4L * j;
            IntVector p;
            p = IntVector.fromMemorySegment(I, w, o, LE);
            a0 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a0));
            p = IntVector.fromMemorySegment(I, w, o + g, LE);
            a1 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a1));
            p = IntVector.fromMemorySegment(I, w, o + 2 * g, LE);
            a2 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a2));
            p = IntVector.fromMemorySegment(I, w, o + 3 * g, LE);
            a3 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a3));
            p = IntVector.fromMemorySegment(I, w, o + 4 * g, LE);
            a4 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a4));
            p = IntVector.fromMemorySegment(I, w, o + 5 * g, LE);
            a5 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a5));
            p = IntVector.fromMemorySegment(I, w, o + 6 * g, LE);
            a6 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a6));
            p = IntVector.fromMemorySegment(I, w, o + 7 * g, LE);
            a7 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a7));
        }
        y[r] = a0.reduceLanes(VectorOperators.ADD);
        y[r + gap] = a1.reduceLanes(VectorOperators.ADD);
        y[r + 2 * gap] = a2.reduceLanes(VectorOperators.ADD);
        y[r + 3 * gap] = a3.reduceLanes(VectorOperators.ADD);
        y[r + 4 * gap] = a4.reduceLanes(VectorOperators.ADD);
        y[r + 5 * gap] = a5.reduceLanes(VectorOperators.ADD);
        y[r + 6 * gap] = a6.reduceLanes(VectorOperators.ADD);
        y[r + 7 * gap] = a7.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Runs the probe.
     *
     * @param args optional ROWS COLS (COLS a multiple of 2·lanes)
     */
    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 11008;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        Arena arena = Arena.ofShared();
        MemorySegment f32 = arena.allocate(4L * rows * cols, 64), bf16 = arena.allocate(2L * rows * cols, 64);
        Random rnd = new Random(1);
        for (long i = 0; i < (long) rows * cols; i++) {
            float v = (float) rnd.nextGaussian() * 0.02f;
            f32.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
            bf16.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) (Float.floatToRawIntBits(v) >>> 16));
        }
        float[] x = new float[cols], xs = new float[cols], y = new float[rows];
        for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < cols / 2; i++) {
            xs[i] = x[2 * i];
            xs[cols / 2 + i] = x[2 * i + 1];
        }
        float[] xOdd = java.util.Arrays.copyOfRange(xs, cols / 2, cols);
        List<Variant> variants = List.of(
                new Variant("f32 adjacent4", GemvStreamProbe::f32x4, 4, false, false),
                new Variant("f32 adjacent8", GemvStreamProbe::f32x8, 8, false, false),
                new Variant("f32 streams4", GemvStreamProbe::f32x4, 4, true, false),
                new Variant("bf16 adjacent8", GemvStreamProbe::bf16x8, 8, false, true),
                new Variant("bf16 streams8", GemvStreamProbe::bf16x8, 8, true, true),
                // the control: f32x4 over the bf16 rows' bytes (cols/2 "floats" a row, x's odd half)
                new Variant("bf16-bytes adjacent4, one FMA",
                        (w, r, gap, c, xv, yv) -> f32x4(w, r, gap, c / 2, xOdd, yv), 4, false, true));
        System.out.printf("W %dx%d, one thread, %d float lanes%n", rows, cols, L);
        for (int round = 1; round <= 2; round++) {
            for (Variant v : variants) {
                MemorySegment w = v.bf16() ? bf16 : f32;
                float[] xv = v.bf16() ? xs : x;
                int groups = rows / v.group();
                List<Long> times = new ArrayList<>();
                long end = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    if (v.streams()) {
                        for (int i = 0; i < groups; i++) v.kernel().run(w, i, groups, cols, xv, y);
                    } else {
                        for (int g = 0; g < groups; g++) v.kernel().run(w, g * v.group(), 1, cols, xv, y);
                    }
                    times.add(System.nanoTime() - t0);
                }
                Collections.sort(times);
                long bytes = (long) groups * v.group() * cols * (v.bf16() ? 2 : 4);
                System.out.printf("round %d  %-30s best %5.1f GB/s  median %5.1f GB/s  (%d calls)%n", round, v.name(),
                        bytes / (double) times.get(0), bytes / (double) times.get(times.size() / 2), times.size());
            }
        }
    }
}
