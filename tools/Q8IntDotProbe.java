import jdk.incubator.vector.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Probe (session 21): would a Q8_0 GEMV be faster with x quantized to int8 per 32-value block,
 * as llama.cpp and llama2.c's runq.c do, products formed in 16-bit lanes and only the block's sums
 * converted to fp32? It times, on one thread and from the caches, kernel a (the form of
 * {@code WeightKernels.q8Rows4}: quants widened to fp32, fp32 x) against kernel b (quants widened
 * to 16 bits, multiplied by the 16-bit int8 x, the two halves of a block added, widened to 32 bits
 * and converted once, scaled by both blocks' scales), with and without the quantization of x in
 * the timing, and prints b's relative L2 difference from a. Kernel m (session 23) widens the
 * quants to 32-bit lanes and makes floats of them without a conversion: the bits
 * {@code (q << 15) + 0x3FC00000} are exactly the float 1.5 + q/256, so the block's sum is
 * 256 x (sum of those times x) minus 384 x (sum of x), the last term folded into the first FMA
 * as a per-block vector computed once per product. Not part of the build:
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --add-modules jdk.incubator.vector tools/Q8IntDotProbe.java ROWS COLS
 * </pre>
 * The result is in benchmarks/README.md (Llama, session 21).
 */
public class Q8IntDotProbe {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final int BLOCK = 32, BB = 34;
    static final IntVector MAGIC = IntVector.broadcast(I, 0x3FC00000);

    static FloatVector q8(MemorySegment seg, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B, seg, off, LE).convertShape(VectorOperators.B2F, F, 0);
    }
    static ShortVector q8s(MemorySegment seg, long off) {
        return (ShortVector) ByteVector.fromMemorySegment(B, seg, off, LE).convertShape(VectorOperators.B2S, S256, 0);
    }

    static void a(MemorySegment seg, int rows, int n, float[] x, float[] y) {
        long rowBytes = (long) (n / BLOCK) * BB;
        for (int r = 0; r < rows; r += 4) {
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + rowBytes, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * rowBytes, rowBytes), s3 = seg.asSlice(b0 + 3 * rowBytes, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0; i < n; i += BLOCK, o += BB) {
                FloatVector x0 = FloatVector.fromArray(F, x, i), x1 = FloatVector.fromArray(F, x, i + 16);
                FloatVector k0 = q8(s0, o + 2).mul(x0); k0 = q8(s0, o + 18).fma(x1, k0);
                FloatVector k1 = q8(s1, o + 2).mul(x0); k1 = q8(s1, o + 18).fma(x1, k1);
                FloatVector k2 = q8(s2, o + 2).mul(x0); k2 = q8(s2, o + 18).fma(x1, k2);
                FloatVector k3 = q8(s3, o + 2).mul(x0); k3 = q8(s3, o + 18).fma(x1, k3);
                a0 = k0.fma(FloatVector.broadcast(F, Float.float16ToFloat(s0.get(LE_SHORT, o))), a0);
                a1 = k1.fma(FloatVector.broadcast(F, Float.float16ToFloat(s1.get(LE_SHORT, o))), a1);
                a2 = k2.fma(FloatVector.broadcast(F, Float.float16ToFloat(s2.get(LE_SHORT, o))), a2);
                a3 = k3.fma(FloatVector.broadcast(F, Float.float16ToFloat(s3.get(LE_SHORT, o))), a3);
            }
            y[r] = a0.reduceLanes(VectorOperators.ADD); y[r + 1] = a1.reduceLanes(VectorOperators.ADD);
            y[r + 2] = a2.reduceLanes(VectorOperators.ADD); y[r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    /** x quantized per block: xq (int8 in shorts), xd (scale). */
    static void b(MemorySegment seg, int rows, int n, short[] xq, float[] xd, float[] y) {
        long rowBytes = (long) (n / BLOCK) * BB;
        for (int r = 0; r < rows; r += 4) {
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + rowBytes, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * rowBytes, rowBytes), s3 = seg.asSlice(b0 + 3 * rowBytes, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0, blk = 0; i < n; i += BLOCK, o += BB, blk++) {
                ShortVector x0 = ShortVector.fromArray(S256, xq, i), x1 = ShortVector.fromArray(S256, xq, i + 16);
                float d = xd[blk];
                ShortVector p0 = q8s(s0, o + 2).mul(x0).add(q8s(s0, o + 18).mul(x1));
                ShortVector p1 = q8s(s1, o + 2).mul(x0).add(q8s(s1, o + 18).mul(x1));
                ShortVector p2 = q8s(s2, o + 2).mul(x0).add(q8s(s2, o + 18).mul(x1));
                ShortVector p3 = q8s(s3, o + 2).mul(x0).add(q8s(s3, o + 18).mul(x1));
                FloatVector f0 = ((IntVector) p0.convertShape(VectorOperators.S2I, I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
                FloatVector f1 = ((IntVector) p1.convertShape(VectorOperators.S2I, I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
                FloatVector f2 = ((IntVector) p2.convertShape(VectorOperators.S2I, I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
                FloatVector f3 = ((IntVector) p3.convertShape(VectorOperators.S2I, I, 0)).convert(VectorOperators.I2F, 0).reinterpretAsFloats();
                a0 = f0.fma(FloatVector.broadcast(F, d * Float.float16ToFloat(s0.get(LE_SHORT, o))), a0);
                a1 = f1.fma(FloatVector.broadcast(F, d * Float.float16ToFloat(s1.get(LE_SHORT, o))), a1);
                a2 = f2.fma(FloatVector.broadcast(F, d * Float.float16ToFloat(s2.get(LE_SHORT, o))), a2);
                a3 = f3.fma(FloatVector.broadcast(F, d * Float.float16ToFloat(s3.get(LE_SHORT, o))), a3);
            }
            y[r] = a0.reduceLanes(VectorOperators.ADD); y[r + 1] = a1.reduceLanes(VectorOperators.ADD);
            y[r + 2] = a2.reduceLanes(VectorOperators.ADD); y[r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    /** Kernel m: negc[j .. j+16) = -1.5 (x0 + x1) of each block, then each quant as 1.5 + q/256 by its bits. */
    static void m(MemorySegment seg, int rows, int n, float[] x, float[] negc, float[] y) {
        long rowBytes = (long) (n / BLOCK) * BB;
        for (int i = 0, j = 0; i < n; i += BLOCK, j += 16)
            FloatVector.fromArray(F, x, i).add(FloatVector.fromArray(F, x, i + 16)).mul(-1.5f).intoArray(negc, j);
        for (int r = 0; r < rows; r += 4) {
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + rowBytes, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * rowBytes, rowBytes), s3 = seg.asSlice(b0 + 3 * rowBytes, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0, j = 0; i < n; i += BLOCK, o += BB, j += 16) {
                FloatVector x0 = FloatVector.fromArray(F, x, i), x1 = FloatVector.fromArray(F, x, i + 16), c = FloatVector.fromArray(F, negc, j);
                // written out, not a helper: C2 would not inline a 44-byte helper here and ran 10x slower
                FloatVector k0 = ((IntVector) ByteVector.fromMemorySegment(B, s0, o + 2, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x0, c);
                k0 = ((IntVector) ByteVector.fromMemorySegment(B, s0, o + 18, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x1, k0);
                FloatVector k1 = ((IntVector) ByteVector.fromMemorySegment(B, s1, o + 2, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x0, c);
                k1 = ((IntVector) ByteVector.fromMemorySegment(B, s1, o + 18, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x1, k1);
                FloatVector k2 = ((IntVector) ByteVector.fromMemorySegment(B, s2, o + 2, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x0, c);
                k2 = ((IntVector) ByteVector.fromMemorySegment(B, s2, o + 18, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x1, k2);
                FloatVector k3 = ((IntVector) ByteVector.fromMemorySegment(B, s3, o + 2, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x0, c);
                k3 = ((IntVector) ByteVector.fromMemorySegment(B, s3, o + 18, LE).convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 15).add(MAGIC).reinterpretAsFloats().fma(x1, k3);
                a0 = k0.fma(FloatVector.broadcast(F, 256f * Float.float16ToFloat(s0.get(LE_SHORT, o))), a0);
                a1 = k1.fma(FloatVector.broadcast(F, 256f * Float.float16ToFloat(s1.get(LE_SHORT, o))), a1);
                a2 = k2.fma(FloatVector.broadcast(F, 256f * Float.float16ToFloat(s2.get(LE_SHORT, o))), a2);
                a3 = k3.fma(FloatVector.broadcast(F, 256f * Float.float16ToFloat(s3.get(LE_SHORT, o))), a3);
            }
            y[r] = a0.reduceLanes(VectorOperators.ADD); y[r + 1] = a1.reduceLanes(VectorOperators.ADD);
            y[r + 2] = a2.reduceLanes(VectorOperators.ADD); y[r + 3] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    /** A random Q8_0 matrix [rows][n]: scales in [0.01, 0.02), quants in [-127, 127]. Also used by Q8ScaleProbe. */
    static MemorySegment randomQ8(int rows, int n, Random rnd) {
        MemorySegment seg = Arena.global().allocate((long) rows * (n / BLOCK) * BB, 64);
        for (long o = 0; o < seg.byteSize(); o += BB) {
            seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f + rnd.nextFloat() * 0.01f));
            for (int i = 0; i < BLOCK; i++) seg.set(ValueLayout.JAVA_BYTE, o + 2 + i, (byte) (rnd.nextInt(255) - 127));
        }
        return seg;
    }

    static void quantize(float[] x, short[] xq, float[] xd) {
        for (int b = 0; b < x.length / BLOCK; b++) {
            float m = 0;
            for (int i = 0; i < BLOCK; i++) m = Math.max(m, Math.abs(x[b * BLOCK + i]));
            float d = m / 127f, id = d == 0 ? 0 : 1 / d;
            xd[b] = d;
            for (int i = 0; i < BLOCK; i++) xq[b * BLOCK + i] = (short) Math.round(x[b * BLOCK + i] * id);
        }
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: Q8IntDotProbe ROWS COLS (ROWS a multiple of 4, COLS of 32)");
            System.exit(2);
        }
        int rows = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]);
        Random rnd = new Random(1);
        MemorySegment seg = randomQ8(rows, n, rnd);
        float[] x = new float[n]; for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        short[] xq = new short[n]; float[] xd = new float[n / BLOCK];
        float[] ya = new float[rows], yb = new float[rows], ym = new float[rows], negc = new float[n / 2];
        quantize(x, xq, xd);
        a(seg, rows, n, x, ya); b(seg, rows, n, xq, xd, yb);
        double err = 0, nrm = 0; for (int i = 0; i < rows; i++) { err += (ya[i]-yb[i])*(ya[i]-yb[i]); nrm += ya[i]*ya[i]; }
        System.out.printf("rel l2 diff b vs a %.3e%n", Math.sqrt(err / nrm));
        m(seg, rows, n, x, negc, ym);
        err = 0; for (int i = 0; i < rows; i++) err += (ya[i]-ym[i])*(ya[i]-ym[i]);
        System.out.printf("rel l2 diff m vs a %.3e%n", Math.sqrt(err / nrm));
        int reps = Math.max(1, (int) (2e8 / ((long) rows * n)));
        System.out.println("G weights/s on one thread; a: fp32 x (the committed kernel's form), b: x quantized to int8 per block (the quantization timed with it), b0: b with x quantized once outside the timing, m: kernel m");
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) a(seg, rows, n, x, ya);
            long t1 = System.nanoTime();
            for (int k = 0; k < reps; k++) { quantize(x, xq, xd); b(seg, rows, n, xq, xd, yb); }
            long t2 = System.nanoTime();
            for (int k = 0; k < reps; k++) b(seg, rows, n, xq, xd, yb);
            long t3 = System.nanoTime();
            for (int k = 0; k < reps; k++) m(seg, rows, n, x, negc, ym);
            long t4 = System.nanoTime();
            double w = (double) rows * n * reps;
            System.out.printf("round %d: a %.2f  b %.2f  b0 %.2f  m %.2f  b/a %.3f  b0/a %.3f  m/a %.3f%n", round, w / (t1 - t0), w / (t2 - t1), w / (t3 - t2),
                    w / (t4 - t3), (double) (t1 - t0) / (t2 - t1), (double) (t1 - t0) / (t3 - t2), (double) (t1 - t0) / (t4 - t3));
        }
    }
}
