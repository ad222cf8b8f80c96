package dev.calx.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code y = x·wᵀ} for weights in any storage format, and fast row conversion.
 *
 * <p>Decode (one row of x) is memory-bound: {@link #gemv} reads each weight byte exactly once,
 * converting bf16 (shift into the high half of an int), Q8_0 (int8 to float, times the block
 * scale) and f16 on the fly, and splits the output rows over the pool. A few rows of x
 * (T <= {@link #FEW_ROWS}) convert each chunk of a weight row once and use it for all of them.
 * Prefill (more rows) is GEMM-bound: fp32 heap weights go straight to {@link Gemm}; the other
 * formats are converted one [NC][KC] block at a time into a scratch buffer that the GEMM
 * packs, so prefill runs at GEMM speed whatever the format.
 */
final class WeightKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Widening conversions need a short/byte species with L lanes (64 bits at least). */
    static final boolean VEC_CONVERT = L >= 8;
    static final VectorSpecies<Short> S = VEC_CONVERT ? VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16)) : null;
    static final VectorSpecies<Byte> B = VEC_CONVERT ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort LE_SHORT = BF16Weights.LE_SHORT;
    static final int FEW_ROWS = 4;
    private static final int CHUNK = 512;
    private static final ThreadLocal<float[]> CHUNK_BUF = ThreadLocal.withInitial(() -> new float[CHUNK]);
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private WeightKernels() {}

    // ------------------------------------------------------------------ conversion

    /** w[r][c0 .. c0+n) as fp32 into dst[d ..]. */
    static void toFloat(WeightMatrix w, int r, int c0, int n, float[] dst, int d) {
        long cols = w.cols();
        MemorySegment seg = w.segment();
        switch (w) {
            case F32Weights f -> {
                Tensor h = f.heapTensor();
                if (h != null) {
                    System.arraycopy(h.data(), h.offset() + r * w.cols() + c0, dst, d, n);
                } else {
                    long base = 4L * (r * cols + c0);
                    int i = 0;
                    for (; i <= n - L; i += L) FloatVector.fromMemorySegment(F, seg, base + 4L * i, LE).intoArray(dst, d + i);
                    for (; i < n; i++) dst[d + i] = seg.get(F32Weights.LE_FLOAT, base + 4L * i);
                }
            }
            case BF16Weights b -> {
                long base = 2L * (r * cols + c0);
                int i = 0;
                if (VEC_CONVERT) for (; i <= n - L; i += L) bf16(seg, base + 2L * i).intoArray(dst, d + i);
                for (; i < n; i++) dst[d + i] = Numerics.bf16ToFloat(seg.get(LE_SHORT, base + 2L * i));
            }
            case F16Weights h -> {
                long base = 2L * (r * cols + c0);
                for (int i = 0; i < n; i++) dst[d + i] = Float.float16ToFloat(seg.get(LE_SHORT, base + 2L * i));
            }
            case Q8Weights q -> {
                long rowBase = r * (cols / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES;
                int i = 0;
                while (i < n) {
                    int c = c0 + i, blk = c / Q8Weights.BLOCK, within = c % Q8Weights.BLOCK;
                    long bo = rowBase + (long) blk * Q8Weights.BLOCK_BYTES;
                    float scale = Float.float16ToFloat(seg.get(LE_SHORT, bo));
                    if (VEC_CONVERT && within == 0 && n - i >= Q8Weights.BLOCK) {
                        for (int v = 0; v < Q8Weights.BLOCK; v += L) q8(seg, bo + 2 + v).mul(scale).intoArray(dst, d + i + v);
                        i += Q8Weights.BLOCK;
                    } else {
                        int m = Math.min(Q8Weights.BLOCK - within, n - i);
                        for (int v = 0; v < m; v++) dst[d + i + v] = scale * seg.get(ValueLayout.JAVA_BYTE, bo + 2 + within + v);
                        i += m;
                    }
                }
            }
        }
    }

    /** L bf16 values at byte offset off, widened to fp32. */
    private static FloatVector bf16(MemorySegment seg, long off) {
        ShortVector s = ShortVector.fromMemorySegment(S, seg, off, LE);
        IntVector iv = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** L int8 values at byte offset off, as fp32. */
    private static FloatVector q8(MemorySegment seg, long off) {
        return (FloatVector) ByteVector.fromMemorySegment(B, seg, off, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    static void embedding(WeightMatrix table, int[] ids, Tensor out) {
        int dim = table.cols();
        Parallel.forRange(ids.length, 2L * dim, (i0, i1) -> {
            for (int i = i0; i < i1; i++) toFloat(table, ids[i], 0, dim, out.data(), out.rowOffset(i));
        });
    }

    // ------------------------------------------------------------------ matmul

    static void matmul(Tensor x, WeightMatrix w, Tensor y) {
        int t = x.rows(), in = w.cols(), out = w.rows();
        if (t == 0 || out == 0) return;
        if (t == 1) {
            gemv(x.data(), x.rowOffset(0), w, y.data(), y.rowOffset(0));
            return;
        }
        if (w instanceof F32Weights f && f.heapTensor() != null) {
            Tensor h = f.heapTensor();
            Gemm.gemm(false, true, t, out, in, 1f, x.data(), x.rowOffset(0), x.rowStride(), h.data(), h.offset(), in,
                    0f, y.data(), y.rowOffset(0), y.rowStride(), true);
            return;
        }
        if (t <= FEW_ROWS) {
            fewRows(x, w, y);
            return;
        }
        prefill(x, w, y);
    }

    /** y[yo + o] = dot(x[xo ..], w[o]) for every output row o. */
    static void gemv(float[] x, int xo, WeightMatrix w, float[] y, int yo) {
        float[] xsplit = bf16Split(x, xo, w);
        // Each block's rows [o0, o1) are walked as G interleaved streams: the group at step i
        // is rows o0+i, o0+i+q, ..., o0+i+(G-1)q with q = (o1-o0)/G, so every stream runs on
        // through consecutive rows, which are contiguous in memory. With adjacent rows (i, i+1,
        // ..., i+G-1) each stream ends after one row and the prefetchers start again. Measured
        // with GemvBenchmark -p shape=32000x768 -jvmArgsAppend "... -Dcalx.threads=1
        // -Dcalx.gemv.interleave=true|false", two alternating runs each (2026-12-01, noisy VM):
        // fp32 356-358 vs 312-349 ops/s, bf16 643-650 vs 607-653: a small gain on short rows,
        // none on 16 KiB rows.
        // The rows go out in blocks that the threads claim one by one (Parallel.forBlocks), so
        // a thread that starts late or runs slower does fewer of them; a static half each made
        // the faster thread wait for the other (GEMV is the whole of decode's time). Blocks are
        // a multiple of 8 rows, so the rows a block's G interleaved streams leave over (G = 4
        // or 8) are always the matrix's last rows % G: every row is computed by the same kernel
        // whatever the thread count and timing, and results are reproducible bit for bit (once
        // the kernels are compiled: see gemvMany).
        if (steals(w, Parallel.threads()) && stealsEnough(w.rows() / 4 * q8StepBytes(w))) {
            q8Stealing(x, xo, new WeightMatrix[]{w}, new float[][]{y}, new int[]{yo});
            return;
        }
        Parallel.forBlocks(w.rows(), gemvBlock(w, Parallel.threads()), 2L * w.cols(),
                (o0, o1) -> gemvRows(x, xo, w, y, yo, xsplit, o0, o1));
    }

    /**
     * {@code -Dcalx.gemv.steal=false} turns {@link #q8Stealing} off: the Q8_0 GEMVs it takes
     * then run as before session 20, one block (or one whole matrix) per thread.
     */
    private static final boolean STEAL = !"false".equals(System.getProperty("calx.gemv.steal"));

    /**
     * {@code -Dcalx.q8.regions=K} (default 2): each Q8_0 GEMV's four interleaved row streams
     * are cut into K regions that {@link #q8Rows4} visits in turn, group by group, so a thread
     * streams 4K runs of rows at once instead of 4 ({@link #regionGroup}); 1 restores the order
     * before session 28. Every row is still computed by the same kernel in the same order, so
     * the results are the same bit for bit. Measured (benchmarks/README.md, session 28, 2-vCPU
     * Intel Xeon VM): {@code DecodeABCheck --a "-Dcalx.q8.regions=1" --b ""}, stories110M
     * Q8_0, 10 rounds: median 1.119 (quartiles 1.074-1.135); K = 4 against 2: 1.007.
     */
    static final int Q8_REGIONS = Math.max(1, Integer.getInteger("calx.q8.regions", 2));

    /**
     * {@code -Dcalx.q8.scaleTable=false}: {@link #q8Rows4} converts each block's fp16 scale with
     * {@code Float.float16ToFloat} (C2: {@code vmovd}, {@code vcvtph2ps}, {@code vbroadcastss},
     * three vector instructions per block and row) instead of reading its float from
     * {@link #F16_TABLE} with one broadcast load (session 28). Same values, so the same results.
     * On the Intel VM of session 28 the vector ports are what one core's Q8_0 kernel is held by:
     * {@code DecodeABCheck --a "-Dcalx.q8.scaleTable=false" --b ""}, stories110M Q8_0, 20
     * rounds: median 1.119 (quartiles 1.112-1.137) before the regions, 0.838 for the table off
     * after them (10 rounds).
     */
    static final boolean SCALE_TABLE = !"false".equals(System.getProperty("calx.q8.scaleTable"));

    /**
     * Every fp16 bit pattern's float value, 256 KiB: {@code F16_TABLE[h & 0xFFFF] ==
     * Float.float16ToFloat(h)}. A model's scales use few distinct values, so few of its lines
     * are touched.
     */
    static final float[] F16_TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < F16_TABLE.length; h++) F16_TABLE[h] = Float.float16ToFloat((short) h);
    }

    /**
     * The Q8_0 products whose blocks {@link #gemvBlock} caps at one per thread (all of
     * decode's layer matrices; not the 32000-row head), for one shared x: every matrix is laid
     * out as four interleaved row streams (step i is rows i, i+q, i+2q, i+3q, q = rows / 4), the
     * steps of all matrices are put end to end, and {@link Parallel#forStealing} deals them out.
     * Each thread starts on an equal contiguous share, as the one-block-per-thread split did, and
     * so keeps its long streams; a thread that is done early takes the back half of what the
     * other has left. That split was static, and on this 2-vCPU VM the two cores' speeds differ
     * from one second to the next by up to a quarter, so one thread waited for the other
     * (session 20; docs/tensor.md). Decode gained a little: {@code
     * DecodeABCheck --a "-Dcalx.gemv.steal=false" --b ""} gave median ratios of 1.020 and 1.028
     * (40 and 60 rounds; 0.982 and 1.002 with A and B alike). Every row is still computed
     * by {@link #q8Rows4} (the last rows % 4 of a matrix by {@link #dotRow}), whoever runs it, so
     * results do not depend on timing or the thread count, and they are the rows the
     * one-block-per-thread split gave.
     */
    private static void q8Stealing(float[] x, int xo, WeightMatrix[] ws, float[][] ys, int[] yos) {
        int m = ws.length;
        int[] start = new int[m + 1];
        long bytes = 0, minStep = Long.MAX_VALUE;
        for (int i = 0; i < m; i++) {
            int q = ws[i].rows() / 4;
            start[i + 1] = start[i] + q;
            long step = q8StepBytes(ws[i]);
            bytes += step * q;
            minStep = Math.min(minStep, step);
        }
        int steps = start[m];
        // Pieces of 8-64 KiB (one compare-and-set each): the long ones while much is left, the
        // short ones at the end, so the threads finish within a few microseconds of each other.
        int minPiece = (int) Math.max(1, (MIN_PIECE_BYTES + minStep - 1) / minStep);
        int maxPiece = (int) Math.max(minPiece, (MAX_PIECE_BYTES + minStep - 1) / minStep);
        Parallel.forStealing(steps, minPiece, maxPiece, Math.max(1, 2 * bytes / Math.max(1, steps)), (s0, s1) -> {
            for (int i = 0; i < m && s0 < s1; i++) {
                if (s0 >= start[i + 1]) continue;
                int to = Math.min(s1, start[i + 1]), q = start[i + 1] - start[i];
                q8Rows4(ws[i].segment(), 0, s0 - start[i], to - start[i], 1, Q8_REGIONS, q / Q8_REGIONS, q, ws[i].cols(), x, xo, ys[i], yos[i]);
                s0 = to;
            }
        });
        for (int i = 0; i < m; i++) {
            for (int o = 4 * (ws[i].rows() / 4); o < ws[i].rows(); o++) ys[i][yos[i] + o] = dotRow(ws[i], o, x, xo);
        }
    }

    private static final long MIN_PIECE_BYTES = 8 * 1024, MAX_PIECE_BYTES = 64 * 1024;

    /** The bytes of one of {@link #q8Stealing}'s steps: four rows of w. */
    private static long q8StepBytes(WeightMatrix w) {
        return 4L * (w.cols() / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES;
    }

    /**
     * {@return whether a call that reads {@code bytes} gives each thread a share of at least
     * 256 KiB, below which {@link #q8Stealing} is not used} stories15M's matrices (shares of
     * 44-235 KiB on 2 threads) decoded slower with it: {@code DecodeABCheck --shape stories15M
     * --a "-Dcalx.gemv.steal=false" --b ""}, median 0.969 over 40 rounds (session 20). All of
     * stories110M's layer calls (shares of 313-940 KiB) are above it.
     */
    private static boolean stealsEnough(long bytes) {
        return bytes / Parallel.threads() >= 256 * 1024;
    }

    /**
     * {@return whether w's GEMV goes through {@link #q8Stealing}: a Q8_0 matrix that gemvRows
     * would run with q8Rows4 in one block per thread}
     */
    private static boolean steals(WeightMatrix w, int threads) {
        return STEAL && VEC_CONVERT && L <= Q8Weights.BLOCK && interleave(w) && runsWhole(w, threads);
    }

    /**
     * bf16: one int holds two neighbours; the even one is its low half. Splitting x into even
     * and odd halves once lets the kernel widen with a shift and a mask, no shuffles.
     * {@return x's even elements then its odd ones for a bf16 w, else null}
     */
    private static float[] bf16Split(float[] x, int xo, WeightMatrix w) {
        int in = w.cols();
        if (!(w instanceof BF16Weights) || !VEC_CONVERT || in % 2 != 0) return null;
        float[] xs = new float[in];
        int h = in / 2;
        for (int i = 0; i < h; i++) {
            xs[i] = x[xo + 2 * i];
            xs[h + i] = x[xo + 2 * i + 1];
        }
        return xs;
    }

    /**
     * The same products as {@link #gemv} for each (ws[i], ys[i]) with one x: decode's q, k and
     * v (and gate and up) take the same input. Every row is computed by the same kernel as in
     * {@link #gemv}, so the results are those of separate calls (bit for bit under
     * {@code -Xint}; compiled and interpreted code sum a vector's lanes in different orders, so
     * any two calls can differ in the last bits while C2 is still compiling); what changes is
     * how rows go to threads. When every matrix is a Q8_0 one whose blocks {@link #gemvBlock}
     * caps at rows / threads, they all go to {@link #q8Stealing} (session 20). Otherwise (and
     * under {@code -Dcalx.gemv.steal=false}): a Q8_0 matrix whose blocks {@link #gemvBlock} caps at rows /
     * threads (decode's shapes: its streams want more rows than that) runs as one whole-matrix
     * block when the list has a matrix for every thread, so each thread streams a whole matrix,
     * with streams twice as long, instead of half of each; the matrices that remain (the third
     * of three on 2 threads) keep the usual blocks, and all of them go out as one parallel call,
     * blocks listed matrix by matrix and claimed in order. Where no matrix runs whole (fp32 and
     * bf16 always) the matrices run one after another, as separate calls to
     * {@link #gemv}: a joined list of the usual blocks made no difference (sessions 6 and 8).
     *
     * <p>Measured (benchmarks/README.md, session 8): stories110M Q8_0 decode,
     * {@code DecodeBoundCheck --dtypes Q8_0}, the commit before and this one alternated three
     * times: fast phase 69.2% vs 70.9% of the bound (median slices), slow phase about 90% vs 93%.
     */
    static void gemvMany(float[] x, int xo, WeightMatrix[] ws, float[][] ys, int[] yos) {
        int m = ws.length, threads = Parallel.threads(), whole = m - m % threads;
        if (STEAL) {
            boolean all = true;
            long bytes = 0;
            for (WeightMatrix w : ws) {
                all &= steals(w, threads);
                bytes += w.rows() / 4 * q8StepBytes(w);
            }
            if (all && stealsEnough(bytes)) {
                q8Stealing(x, xo, ws, ys, yos);
                return;
            }
        }
        boolean anyWhole = false;
        for (int i = 0; i < whole; i++) anyWhole |= runsWhole(ws[i], threads);
        if (!anyWhole) {
            for (int i = 0; i < m; i++) gemv(x, xo, ws[i], ys[i], yos[i]);
            return;
        }
        float[][] xsplit = new float[m][];
        int[] mat = new int[16], from = new int[16], to = new int[16];
        int n = 0;
        long cost = 0;
        for (int i = 0; i < m; i++) {
            WeightMatrix w = ws[i];
            boolean sameSplit = w instanceof BF16Weights && i > 0 && ws[i - 1] instanceof BF16Weights && ws[i - 1].cols() == w.cols();
            xsplit[i] = sameSplit ? xsplit[i - 1] : bf16Split(x, xo, w);
            int rows = w.rows(), b = i < whole && runsWhole(w, threads) ? Math.max(1, rows) : gemvBlock(w, threads);
            for (int o0 = 0; o0 < rows; o0 += b) {
                if (n == mat.length) {
                    mat = Arrays.copyOf(mat, 2 * n);
                    from = Arrays.copyOf(from, 2 * n);
                    to = Arrays.copyOf(to, 2 * n);
                }
                mat[n] = i;
                from[n] = o0;
                to[n++] = Math.min(rows, o0 + b);
            }
            cost += 2L * rows * w.cols();
        }
        int[] bm = mat, bf = from, bt = to;
        Parallel.forBlocks(n, 1, cost / Math.max(1, n), (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int i = bm[b];
                gemvRows(x, xo, ws[i], ys[i], yos[i], xsplit[i], bf[b], bt[b]);
            }
        });
    }

    /**
     * {@return whether {@link #gemvMany} gives w one whole-matrix block: Q8_0 whose blocks are
     * capped at rows / threads} Only Q8_0 was measured to gain. fp32 and bf16 stay with their
     * 64 KiB streams: longer bf16 streams were slower in session 5, and stories15M decode with
     * whole fp32 and bf16 matrices too (an uncommitted variant, `DecodeBenchmark -p
     * shape=stories15M`, alternated twice, session 8 review) showed no gain for them.
     */
    private static boolean runsWhole(WeightMatrix w, int threads) {
        return w instanceof Q8Weights && threads > 1 && STREAM_KIB > 0 && gemvStreamRows(w) >= w.rows() / threads;
    }

    /** Output rows [o0, o1) of {@link #gemv}: the interleaved kernels, then the leftovers row by row. */
    private static void gemvRows(float[] x, int xo, WeightMatrix w, float[] y, int yo, float[] xsplit, int o0, int o1) {
        int in = w.cols();
        int done = o0;
        if (!interleave(w)) {
            gemvAdjacent(x, xo, w, y, yo, xsplit, o0, o1);
            return;
        }
        if (xsplit != null) {
            int q = (o1 - o0) / 8;
            bf16Rows8(w.segment(), o0, q, 1, q, in, xsplit, y, yo);
            done = o0 + 8 * q;
            for (; done + 4 <= o1; done += 4) bf16Rows4(w.segment(), done, in, xsplit, y, yo + done);
        } else if (w instanceof F32Weights f && f.heapTensor() != null) {
            Tensor h = f.heapTensor();
            int q = (o1 - o0) / 8;
            for (int i = 0; i < q; i++) f32Rows8(h.data(), h.offset() + (o0 + i) * in, q * in, in, x, xo, y, yo + o0 + i, q);
            done = o0 + 8 * q;
            for (; done + 4 <= o1; done += 4) f32Rows4(h.data(), h.offset() + done * in, in, in, x, xo, y, yo + done, 1);
        } else if (w instanceof F32Weights) {
            int q = (o1 - o0) / 8;
            f32SegRows8(w.segment(), o0, q, 1, q, in, x, xo, y, yo);
            done = o0 + 8 * q;
            int fours = (o1 - done) / 4;
            f32SegRows4(w.segment(), done, fours, 4, 1, in, x, xo, y, yo);
            done += 4 * fours;
        } else if (w instanceof Q8Weights && VEC_CONVERT && L <= Q8Weights.BLOCK) {
            int q = (o1 - o0) / 4;
            q8Rows4(w.segment(), o0, 0, q, 1, Q8_REGIONS, q / Q8_REGIONS, q, in, x, xo, y, yo);
            done = o0 + 4 * q;
        }
        for (int o = done; o < o1; o++) y[yo + o] = dotRow(w, o, x, xo);
    }

    /**
     * {@code -Dcalx.gemv.streamKiB=N} (default 64): the bytes each interleaved row stream of a
     * GEMV block should cover for fp32 and bf16, 4N for Q8_0; 0 restores the earlier rule (about
     * 32 blocks of at least 32 rows).
     */
    private static final int STREAM_KIB = Math.max(0, Integer.getInteger("calx.gemv.streamKiB", 64));

    /**
     * Rows per claimed block: enough rows that each of the block's G interleaved streams (4 rows
     * at a time for Q8_0, 8 for bf16; fp32 runs 8 but is sized as 4, see below) reads
     * {@link #STREAM_KIB} KiB (Q8_0: 4x) of consecutive rows, but at most rows / threads, so
     * every thread gets a block; always a multiple of 8 (so results do not depend on the thread
     * count, see {@link #gemv}), at least 32. Until session 5 the cap was a quarter of the rows:
     * on 2 threads one block per thread instead of two on decode's 768- and 2048-row matrices
     * gave stories110M Q8_0 decode 89.2%
     * of the bound against 85.3% (numpy's slow phase) and 65.7% against 60.9% (fast phase),
     * bf16 79.9/72.0% against 78.4/71.9%, fp32 unchanged (its blocks are below either cap);
     * {@code DecodeBoundCheck --rounds 4}, the commit before and this one alternated twice
     * (2026-12-01, benchmarks/README.md session 5).
     *
     * <p>Why long streams: with short rows the old rule's blocks gave each stream only 4-8 rows
     * (6 KiB at 768 Q8_0 columns), likely too short for the hardware prefetcher, and a core
     * running the Q8_0 kernel (two widenings, two conversions and a scale per 32 values) does
     * not keep enough loads in flight to cover DRAM latency by itself (the explanation that fits
     * the numbers below; not measured directly). Measured with {@code GemvBenchmark -p shape=768x768 -p
     * copies=150} (150 distinct matrices, 2 threads, two alternated runs each, 2026-12-01),
     * {@code -Dcalx.gemv.streamKiB=0} vs the default: Q8_0 31.2-32.1k vs 65.6-66.9k products/s
     * (20 vs 42 GB/s), bf16 34.1k vs 36.9-39.3k, fp32 23.6-24.0k vs 25.1-25.2k; the decode
     * numbers are in benchmarks/README.md.
     */
    static int gemvBlock(WeightMatrix w, int threads) {
        int rows = w.rows();
        if (STREAM_KIB == 0) {
            int b = (rows + 31) / 32;
            return Math.max(32, (b + 7) / 8 * 8);
        }
        long b = Math.min(gemvStreamRows(w), rows / Math.max(1, threads));
        return (int) Math.max(32, (b + 7) / 8 * 8);
    }

    /** {@return the rows a block needs for each of its interleaved streams to read the target bytes (see {@link #gemvBlock})} */
    static long gemvStreamRows(WeightMatrix w) {
        int streams = switch (w) {
            case BF16Weights b -> 8;
            // fp32 has an eight-row kernel since session 7; its blocks are still sized for
            // four streams, the size it was measured with.
            case F32Weights f -> 4;
            case Q8Weights q -> 4;
            case F16Weights h -> 1;
        };
        long rowBytes = Math.max(1L, (long) w.cols() * w.dtype().blockBytes / w.dtype().blockSize);
        // Q8_0 does more work per byte than bf16 (widening, conversion, a scale per block), so
        // it leans on the prefetcher most: 4x longer streams gave stories110M Q8_0 decode 358-366 tokens/s against 315-316
        // (DecodeBenchmark, -Dcalx.gemv.streamKiB=256 vs 64 alternated twice; bf16 177-181 vs
        // 184-186, so not for bf16).
        long target = STREAM_KIB * 1024L * (w instanceof Q8Weights ? 4 : 1);
        return streams * ((target + rowBytes - 1) / rowBytes);
    }

    /** {@code -Dcalx.gemv.interleave=auto|true|false}: interleaved row streams (see {@link #gemv}). */
    private static final String INTERLEAVE = System.getProperty("calx.gemv.interleave", "auto");

    /**
     * Interleaved streams for rows shorter than 16 KiB (auto). On long rows they gained nothing
     * (GemvBenchmark at 11008x4096, one thread: fp32 209-220 vs 212-223 ops/s, bf16 302-315 vs
     * 308 either way).
     */
    private static boolean interleave(WeightMatrix w) {
        return switch (INTERLEAVE) {
            case "true" -> true;
            case "false" -> false;
            default -> (long) w.cols() * w.dtype().blockBytes / w.dtype().blockSize < 16 * 1024;
        };
    }

    /** gemv over rows [o0, o1) with groups of adjacent rows (rows of 16 KiB and more). */
    private static void gemvAdjacent(float[] x, int xo, WeightMatrix w, float[] y, int yo, float[] xsplit, int o0, int o1) {
        int o = o0;
        if (xsplit != null) {
            int groups = (o1 - o) / 8;
            bf16Rows8(w.segment(), o, groups, 8, 1, w.cols(), xsplit, y, yo);
            o += 8 * groups;
        } else if (w instanceof F32Weights f && f.heapTensor() != null) {
            Tensor h = f.heapTensor();
            int in = w.cols();
            for (; o + 4 <= o1; o += 4) f32Rows4(h.data(), h.offset() + o * in, in, in, x, xo, y, yo + o, 1);
        } else if (w instanceof F32Weights) {
            int groups = (o1 - o) / 4;
            f32SegRows4(w.segment(), o, groups, 4, 1, w.cols(), x, xo, y, yo);
            o += 4 * groups;
        } else if (w instanceof Q8Weights && VEC_CONVERT && L <= Q8Weights.BLOCK) {
            int groups = (o1 - o) / 4;
            q8Rows4(w.segment(), o, 0, groups, 4, 1, groups, 1, w.cols(), x, xo, y, yo);
            o += 4 * groups;
        }
        for (; o < o1; o++) y[yo + o] = dotRow(w, o, x, xo);
    }

    /**
     * Four fp32 rows at w[wo], w[wo+rs], w[wo+2rs], w[wo+3rs] (row length n) against x, into
     * y[yi], y[yi+ys], y[yi+2ys], y[yi+3ys]: four weight streams at once.
     */
    private static void f32Rows4(float[] w, int wo, int rs, int n, float[] x, int xo, float[] y, int yi, int ys) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int w1 = wo + rs, w2 = w1 + rs, w3 = w2 + rs;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + i);
            a0 = FloatVector.fromArray(F, w, wo + i).fma(xv, a0);
            a1 = FloatVector.fromArray(F, w, w1 + i).fma(xv, a1);
            a2 = FloatVector.fromArray(F, w, w2 + i).fma(xv, a2);
            a3 = FloatVector.fromArray(F, w, w3 + i).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float xv = x[xo + i];
            s0 += w[wo + i] * xv;
            s1 += w[w1 + i] * xv;
            s2 += w[w2 + i] * xv;
            s3 += w[w3 + i] * xv;
        }
        y[yi] = s0;
        y[yi + ys] = s1;
        y[yi + 2 * ys] = s2;
        y[yi + 3 * ys] = s3;
    }

    /**
     * Eight fp32 rows at w[wo + k*rs] (k = 0..7, row length n) against x, into y[yi + k*ys]:
     * the interleaved walk's kernel for heap rows, each row summed exactly as {@link #f32Rows4}
     * sums it (one vector accumulator, lanes reduced, then the scalar tail), so which of the two
     * kernels takes a row does not change its bits. Eight weight streams instead of four (as
     * {@link #bf16Rows8} has had since session 5): {@code DecodeBoundCheck --dtypes F32 --rounds
     * 8} (stories110M, 2 threads, heap fp32), the commit before and this one alternated five
     * times (2026-12-01, session 7): where numpy read 45-52 GB/s, medians 83.0, 84.7, 84.4% /
     * 86.1, 87.1, 85.6% of the bound; where it read 68-72 (one pair), 83.6 / 82.4%. Written out
     * per row for the reason given in {@link #bf16Rows8}.
     */
    private static void f32Rows8(float[] w, int wo, int rs, int n, float[] x, int xo, float[] y, int yi, int ys) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int w1 = wo + rs, w2 = w1 + rs, w3 = w2 + rs, w4 = w3 + rs, w5 = w4 + rs, w6 = w5 + rs, w7 = w6 + rs;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xo + i);
            a0 = FloatVector.fromArray(F, w, wo + i).fma(xv, a0);
            a1 = FloatVector.fromArray(F, w, w1 + i).fma(xv, a1);
            a2 = FloatVector.fromArray(F, w, w2 + i).fma(xv, a2);
            a3 = FloatVector.fromArray(F, w, w3 + i).fma(xv, a3);
            a4 = FloatVector.fromArray(F, w, w4 + i).fma(xv, a4);
            a5 = FloatVector.fromArray(F, w, w5 + i).fma(xv, a5);
            a6 = FloatVector.fromArray(F, w, w6 + i).fma(xv, a6);
            a7 = FloatVector.fromArray(F, w, w7 + i).fma(xv, a7);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        float s4 = a4.reduceLanes(VectorOperators.ADD), s5 = a5.reduceLanes(VectorOperators.ADD);
        float s6 = a6.reduceLanes(VectorOperators.ADD), s7 = a7.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float xv = x[xo + i];
            s0 += w[wo + i] * xv;
            s1 += w[w1 + i] * xv;
            s2 += w[w2 + i] * xv;
            s3 += w[w3 + i] * xv;
            s4 += w[w4 + i] * xv;
            s5 += w[w5 + i] * xv;
            s6 += w[w6 + i] * xv;
            s7 += w[w7 + i] * xv;
        }
        y[yi] = s0;
        y[yi + ys] = s1;
        y[yi + 2 * ys] = s2;
        y[yi + 3 * ys] = s3;
        y[yi + 4 * ys] = s4;
        y[yi + 5 * ys] = s5;
        y[yi + 6 * ys] = s6;
        y[yi + 7 * ys] = s7;
    }

    /**
     * fp32 rows of a memory segment in groups of eight, grouped as in {@link #bf16Rows8}, into
     * y[yo + row]: {@link #f32Rows8} for a mapped checkpoint, each row summed in the same order.
     */
    private static void f32SegRows8(MemorySegment seg, int o0, int groups, int gs, int rs, int n, float[] x, int xo, float[] y, int yo) {
        long rowBytes = 4L * n, gap = rowBytes * rs;
        for (int g = 0; g < groups; g++) {
            int r = o0 + g * gs;
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + gap, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * gap, rowBytes), s3 = seg.asSlice(b0 + 3 * gap, rowBytes);
            MemorySegment s4 = seg.asSlice(b0 + 4 * gap, rowBytes), s5 = seg.asSlice(b0 + 5 * gap, rowBytes);
            MemorySegment s6 = seg.asSlice(b0 + 6 * gap, rowBytes), s7 = seg.asSlice(b0 + 7 * gap, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int i = 0;
            for (; i <= n - L; i += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xo + i);
                long off = 4L * i;
                a0 = FloatVector.fromMemorySegment(F, s0, off, LE).fma(xv, a0);
                a1 = FloatVector.fromMemorySegment(F, s1, off, LE).fma(xv, a1);
                a2 = FloatVector.fromMemorySegment(F, s2, off, LE).fma(xv, a2);
                a3 = FloatVector.fromMemorySegment(F, s3, off, LE).fma(xv, a3);
                a4 = FloatVector.fromMemorySegment(F, s4, off, LE).fma(xv, a4);
                a5 = FloatVector.fromMemorySegment(F, s5, off, LE).fma(xv, a5);
                a6 = FloatVector.fromMemorySegment(F, s6, off, LE).fma(xv, a6);
                a7 = FloatVector.fromMemorySegment(F, s7, off, LE).fma(xv, a7);
            }
            float t0 = a0.reduceLanes(VectorOperators.ADD), t1 = a1.reduceLanes(VectorOperators.ADD);
            float t2 = a2.reduceLanes(VectorOperators.ADD), t3 = a3.reduceLanes(VectorOperators.ADD);
            float t4 = a4.reduceLanes(VectorOperators.ADD), t5 = a5.reduceLanes(VectorOperators.ADD);
            float t6 = a6.reduceLanes(VectorOperators.ADD), t7 = a7.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float xv = x[xo + i];
                long off = 4L * i;
                t0 += s0.get(F32Weights.LE_FLOAT, off) * xv;
                t1 += s1.get(F32Weights.LE_FLOAT, off) * xv;
                t2 += s2.get(F32Weights.LE_FLOAT, off) * xv;
                t3 += s3.get(F32Weights.LE_FLOAT, off) * xv;
                t4 += s4.get(F32Weights.LE_FLOAT, off) * xv;
                t5 += s5.get(F32Weights.LE_FLOAT, off) * xv;
                t6 += s6.get(F32Weights.LE_FLOAT, off) * xv;
                t7 += s7.get(F32Weights.LE_FLOAT, off) * xv;
            }
            y[yo + r] = t0;
            y[yo + r + rs] = t1;
            y[yo + r + 2 * rs] = t2;
            y[yo + r + 3 * rs] = t3;
            y[yo + r + 4 * rs] = t4;
            y[yo + r + 5 * rs] = t5;
            y[yo + r + 6 * rs] = t6;
            y[yo + r + 7 * rs] = t7;
        }
    }

    /**
     * fp32 rows of a memory segment (a mapped checkpoint) in groups of four, grouped as in
     * {@link #bf16Rows8}, into y[yo + row]: the same sums in the same order as
     * {@link #f32Rows4} does for heap rows, so a mapped matrix gives the heap matrix's bits.
     * Until session 6 these rows went one at a time through {@link #dotRow}. It stays next to
     * {@link #f32SegRows8} for adjacent groups of long rows and a block's last four: with
     * groups of eight adjacent rows instead (and the last rows through {@link #dotRow}),
     * {@code GemvBenchmark -p shape=11008x4096 -p dtype=F32 -p storage=segment} on one thread
     * ran 181.3, 183.4 against 204.6, 196.1 products/s (alternated twice, session 7 review).
     */
    private static void f32SegRows4(MemorySegment seg, int o0, int groups, int gs, int rs, int n, float[] x, int xo, float[] y, int yo) {
        long rowBytes = 4L * n, gap = rowBytes * rs;
        for (int g = 0; g < groups; g++) {
            int r = o0 + g * gs;
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + gap, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * gap, rowBytes), s3 = seg.asSlice(b0 + 3 * gap, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int i = 0;
            for (; i <= n - L; i += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xo + i);
                long off = 4L * i;
                a0 = FloatVector.fromMemorySegment(F, s0, off, LE).fma(xv, a0);
                a1 = FloatVector.fromMemorySegment(F, s1, off, LE).fma(xv, a1);
                a2 = FloatVector.fromMemorySegment(F, s2, off, LE).fma(xv, a2);
                a3 = FloatVector.fromMemorySegment(F, s3, off, LE).fma(xv, a3);
            }
            float t0 = a0.reduceLanes(VectorOperators.ADD), t1 = a1.reduceLanes(VectorOperators.ADD);
            float t2 = a2.reduceLanes(VectorOperators.ADD), t3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float xv = x[xo + i];
                long off = 4L * i;
                t0 += s0.get(F32Weights.LE_FLOAT, off) * xv;
                t1 += s1.get(F32Weights.LE_FLOAT, off) * xv;
                t2 += s2.get(F32Weights.LE_FLOAT, off) * xv;
                t3 += s3.get(F32Weights.LE_FLOAT, off) * xv;
            }
            y[yo + r] = t0;
            y[yo + r + rs] = t1;
            y[yo + r + 2 * rs] = t2;
            y[yo + r + 3 * rs] = t3;
        }
    }

    /**
     * bf16 rows in groups of eight, one accumulator per row, into y[yo + row]: group g is rows
     * r, r+rs, ..., r+7rs with r = o0 + g*gs, against x split into even and odd halves. The
     * interleaved walk is (gs, rs) = (1, q), so each of the eight streams runs on through
     * consecutive rows; adjacent groups are (8, 1).
     * Eight weight streams in flight instead of four, which a throwaway probe of both kernels
     * found faster on this 2-core EPYC (the limit looked like loads in flight, not the
     * shift/and/FMA work). One call covers a whole block (session 6): with one call per group
     * {@code GemvBenchmark -p shape=11008x4096 -p dtype=BF16} (1 thread, the commit before and
     * this one alternated four times, 2026-12-01, a noisy hour) gave 276.8-327.5 products/s,
     * with the group loop inside the kernel 325.3-360.4. Why a call per group cost that much is
     * not known: C2's code for the inner loop was the same either way (read with hsdis). Each
     * row gets its own slice, so a load's range check is one compare against the row length;
     * offsets into the whole segment made C2 re-derive a clamped range per load (about 25
     * instructions each, several through the stack). Accumulators are reduced straight into y:
     * a vector that escapes (into an array of vectors, say) makes C2 box the loop's vector phis.
     */
    private static void bf16Rows8(MemorySegment seg, int o0, int groups, int gs, int rs, int n, float[] xs, float[] y, int yo) {
        int h = n / 2;
        long rowBytes = 2L * n, gap = rowBytes * rs;
        IntVector hi = IntVector.broadcast(I, 0xffff0000);
        for (int g = 0; g < groups; g++) {
            int r = o0 + g * gs;
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + gap, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * gap, rowBytes), s3 = seg.asSlice(b0 + 3 * gap, rowBytes);
            MemorySegment s4 = seg.asSlice(b0 + 4 * gap, rowBytes), s5 = seg.asSlice(b0 + 5 * gap, rowBytes);
            MemorySegment s6 = seg.asSlice(b0 + 6 * gap, rowBytes), s7 = seg.asSlice(b0 + 7 * gap, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            int j = 0;
            // Written out per row on purpose: with the line below moved into a small static
            // method, C2 boxed the vectors and one core ran 86.7, 90.4 instead of 347.6, 347.7
            // products/s (GemvBenchmark -p shape=11008x4096 -p dtype=BF16, 1 thread, alternated
            // twice, session 6 review).
            for (; j <= h - L; j += L) {
                FloatVector xe = FloatVector.fromArray(F, xs, j), xd = FloatVector.fromArray(F, xs, h + j);
                long off = 4L * j;
                IntVector p;
                p = IntVector.fromMemorySegment(I, s0, off, LE);
                a0 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a0));
                p = IntVector.fromMemorySegment(I, s1, off, LE);
                a1 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a1));
                p = IntVector.fromMemorySegment(I, s2, off, LE);
                a2 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a2));
                p = IntVector.fromMemorySegment(I, s3, off, LE);
                a3 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a3));
                p = IntVector.fromMemorySegment(I, s4, off, LE);
                a4 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a4));
                p = IntVector.fromMemorySegment(I, s5, off, LE);
                a5 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a5));
                p = IntVector.fromMemorySegment(I, s6, off, LE);
                a6 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a6));
                p = IntVector.fromMemorySegment(I, s7, off, LE);
                a7 = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, p.and(hi).reinterpretAsFloats().fma(xd, a7));
            }
            y[yo + r] = a0.reduceLanes(VectorOperators.ADD);
            y[yo + r + rs] = a1.reduceLanes(VectorOperators.ADD);
            y[yo + r + 2 * rs] = a2.reduceLanes(VectorOperators.ADD);
            y[yo + r + 3 * rs] = a3.reduceLanes(VectorOperators.ADD);
            y[yo + r + 4 * rs] = a4.reduceLanes(VectorOperators.ADD);
            y[yo + r + 5 * rs] = a5.reduceLanes(VectorOperators.ADD);
            y[yo + r + 6 * rs] = a6.reduceLanes(VectorOperators.ADD);
            y[yo + r + 7 * rs] = a7.reduceLanes(VectorOperators.ADD);
            if (j < h) {
                for (int k = 0; k < 8; k++) y[yo + r + k * rs] = bf16PairTail(seg, b0 + k * gap, j, h, xs, y[yo + r + k * rs]);
            }
        }
    }

    /** s plus the packed bf16 pairs [from, h) of the row at byte offset rb against the split x (the scalar tail). */
    private static float bf16PairTail(MemorySegment seg, long rb, int from, int h, float[] xs, float s) {
        for (int jj = from; jj < h; jj++) {
            int bits = seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), rb + 4L * jj);
            s += Float.intBitsToFloat(bits << 16) * xs[jj] + Float.intBitsToFloat(bits & 0xffff0000) * xs[h + jj];
        }
        return s;
    }

    /** Four bf16 rows r..r+3 against x split into even (xs[0..n/2)) and odd (xs[n/2..n)) halves. */
    private static void bf16Rows4(MemorySegment seg, int r, int n, float[] xs, float[] y, int yi) {
        int h = n / 2;
        long rowBytes = 2L * n, base = rowBytes * r;
        FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0, d0 = e0, d1 = e0, d2 = e0, d3 = e0;
        // One slice per row: the loop then indexes four segments with the same offset, which
        // C2 can range-check once per loop instead of once per load.
        MemorySegment r0 = seg.asSlice(base, rowBytes), r1 = seg.asSlice(base + rowBytes, rowBytes);
        MemorySegment r2 = seg.asSlice(base + 2 * rowBytes, rowBytes), r3 = seg.asSlice(base + 3 * rowBytes, rowBytes);
        int j = 0;
        for (; j <= h - L; j += L) {
            FloatVector xe = FloatVector.fromArray(F, xs, j), xd = FloatVector.fromArray(F, xs, h + j);
            long off = 4L * j;
            IntVector p0 = IntVector.fromMemorySegment(I, r0, off, LE);
            IntVector p1 = IntVector.fromMemorySegment(I, r1, off, LE);
            IntVector p2 = IntVector.fromMemorySegment(I, r2, off, LE);
            IntVector p3 = IntVector.fromMemorySegment(I, r3, off, LE);
            e0 = p0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e0);
            d0 = p0.and(0xffff0000).reinterpretAsFloats().fma(xd, d0);
            e1 = p1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e1);
            d1 = p1.and(0xffff0000).reinterpretAsFloats().fma(xd, d1);
            e2 = p2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e2);
            d2 = p2.and(0xffff0000).reinterpretAsFloats().fma(xd, d2);
            e3 = p3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, e3);
            d3 = p3.and(0xffff0000).reinterpretAsFloats().fma(xd, d3);
        }
        float[] s = {e0.add(d0).reduceLanes(VectorOperators.ADD), e1.add(d1).reduceLanes(VectorOperators.ADD),
                e2.add(d2).reduceLanes(VectorOperators.ADD), e3.add(d3).reduceLanes(VectorOperators.ADD)};
        for (int q = 0; q < 4; q++) y[yi + q] = bf16PairTail(seg, base + q * rowBytes, j, h, xs, s[q]);
    }

    /**
     * {@return the group that step t of {@link #q8Rows4} computes when its steps visit k regions
     * of h groups in turn} Steps 0..k*h-1 take region 0's first group, region 1's first group, ...,
     * then region 0's second group, and so on; the steps from k*h on (fewer than k) are their own
     * groups. A bijection of [0, n) for every n >= k*h.
     */
    static int regionGroup(int t, int k, int h) {
        return t < k * h ? (t % k) * h + t / k : t;
    }

    /**
     * Q8_0 rows in groups of four against x, into y[yo + row] (8 or 16 float lanes): step t of
     * [t0, t1) computes group g = {@link #regionGroup regionGroup(t, k, h)}, rows r, r+rs, r+2rs,
     * r+3rs with r = o0 + g*gs ((1, q) interleaved, (4, 1) adjacent with k = 1, as in
     * {@link #bf16Rows8}); one call covers a whole block, or a piece of one.
     * With 16 lanes (AVX-512) each block's 32 quants come in as two 128-bit loads, each widened
     * and converted by {@code vpmovsxbd} and {@code vcvtdq2ps}. One 256-bit load split with
     * {@code convertShape(B2F, F, 0)} and {@code (..., 1)} was used before (session 5): C2
     * compiled the upper half as {@code vpermb}, a masked {@code vpblendmb} and two register
     * moves (read with tools/c2_disasm.py, session 12): four more vector instructions per block
     * and row, for one load fewer. From the cache ({@code GemvBenchmark -p shape=64x4096 -p
     * dtype=Q8_0}, 1 thread, 2026-12-02, 01:11-01:14 UTC, one 256-bit load / two 128-bit loads
     * alternated five times, median of each run's five iterations) one core did 86-129 / 108-136
     * thousand products/s, the two-load run ahead in every pair; on two threads at 768x768,
     * 68.5k, 81.6k / 100.1k, 99.5k. From DRAM the two were level: {@code -p shape=22016x4096},
     * 1 thread, four pairs, 209-252 / 209-248 products/s; {@code -p shape=768x768 -p
     * copies=150}, 2 threads, three pairs, 55.0k-63.2k / 52.9k-63.5k. (Session 5 had measured
     * two 128-bit loads 8-17% slower from DRAM, with a loop over L-quant parts that started from
     * zero and an FMA.) In the one-load form the halves had to be named by constants: with a
     * variable part {@code convertShape} was not intrinsified and the kernel was several times
     * slower.
     * L is a constant, so C2 keeps only one of the two block bodies. One slice per row, as in
     * {@link #bf16Rows8}. The group loop inside the kernel: {@code GemvBenchmark -p
     * shape=11008x4096 -p dtype=Q8_0}, 1 thread, commit before / this one alternated four times:
     * 508.7-533.0 / 538.0-568.0 products/s.
     */
    private static void q8Rows4(MemorySegment seg, int o0, int t0, int t1, int gs, int k, int h, int rs, int n, float[] x, int xo, float[] y, int yo) {
        long rowBytes = (long) (n / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES, gap = rowBytes * rs;
        for (int t = t0; t < t1; t++) {
            int r = o0 + gs * regionGroup(t, k, h);
            long b0 = rowBytes * r;
            MemorySegment s0 = seg.asSlice(b0, rowBytes), s1 = seg.asSlice(b0 + gap, rowBytes);
            MemorySegment s2 = seg.asSlice(b0 + 2 * gap, rowBytes), s3 = seg.asSlice(b0 + 3 * gap, rowBytes);
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long o = 0;
            for (int i = 0; i < n; i += Q8Weights.BLOCK, o += Q8Weights.BLOCK_BYTES) {
                FloatVector k0, k1, k2, k3;
                if (L == 16) {
                    FloatVector x0 = FloatVector.fromArray(F, x, xo + i), x1 = FloatVector.fromArray(F, x, xo + i + 16);
                    k0 = q8(s0, o + 2).mul(x0);
                    k0 = q8(s0, o + 18).fma(x1, k0);
                    k1 = q8(s1, o + 2).mul(x0);
                    k1 = q8(s1, o + 18).fma(x1, k1);
                    k2 = q8(s2, o + 2).mul(x0);
                    k2 = q8(s2, o + 18).fma(x1, k2);
                    k3 = q8(s3, o + 2).mul(x0);
                    k3 = q8(s3, o + 18).fma(x1, k3);
                } else {
                    k0 = FloatVector.zero(F);
                    k1 = k0;
                    k2 = k0;
                    k3 = k0;
                    for (int v = 0; v < Q8Weights.BLOCK; v += L) {
                        FloatVector xv = FloatVector.fromArray(F, x, xo + i + v);
                        k0 = q8(s0, o + 2 + v).fma(xv, k0);
                        k1 = q8(s1, o + 2 + v).fma(xv, k1);
                        k2 = q8(s2, o + 2 + v).fma(xv, k2);
                        k3 = q8(s3, o + 2 + v).fma(xv, k3);
                    }
                }
                if (SCALE_TABLE) {
                    float[] tb = F16_TABLE;
                    a0 = k0.fma(FloatVector.broadcast(F, tb[s0.get(LE_SHORT, o) & 0xFFFF]), a0);
                    a1 = k1.fma(FloatVector.broadcast(F, tb[s1.get(LE_SHORT, o) & 0xFFFF]), a1);
                    a2 = k2.fma(FloatVector.broadcast(F, tb[s2.get(LE_SHORT, o) & 0xFFFF]), a2);
                    a3 = k3.fma(FloatVector.broadcast(F, tb[s3.get(LE_SHORT, o) & 0xFFFF]), a3);
                } else {
                    a0 = k0.fma(FloatVector.broadcast(F, Float.float16ToFloat(s0.get(LE_SHORT, o))), a0);
                    a1 = k1.fma(FloatVector.broadcast(F, Float.float16ToFloat(s1.get(LE_SHORT, o))), a1);
                    a2 = k2.fma(FloatVector.broadcast(F, Float.float16ToFloat(s2.get(LE_SHORT, o))), a2);
                    a3 = k3.fma(FloatVector.broadcast(F, Float.float16ToFloat(s3.get(LE_SHORT, o))), a3);
                }
            }
            y[yo + r] = a0.reduceLanes(VectorOperators.ADD);
            y[yo + r + rs] = a1.reduceLanes(VectorOperators.ADD);
            y[yo + r + 2 * rs] = a2.reduceLanes(VectorOperators.ADD);
            y[yo + r + 3 * rs] = a3.reduceLanes(VectorOperators.ADD);
        }
    }

    /** dot(w[r], x[xo .. xo+cols)). */
    static float dotRow(WeightMatrix w, int r, float[] x, int xo) {
        int n = w.cols();
        MemorySegment seg = w.segment();
        switch (w) {
            case F32Weights f -> {
                Tensor h = f.heapTensor();
                if (h != null) return SmallGemm.dot(h.data(), h.offset() + r * n, x, xo, n);
                long base = 4L * r * n;
                FloatVector a0 = FloatVector.zero(F), a1 = a0;
                int i = 0;
                for (; i <= n - 2 * L; i += 2 * L) {
                    a0 = FloatVector.fromMemorySegment(F, seg, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
                    a1 = FloatVector.fromMemorySegment(F, seg, base + 4L * (i + L), LE).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
                }
                float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
                for (; i < n; i++) s += seg.get(F32Weights.LE_FLOAT, base + 4L * i) * x[xo + i];
                return s;
            }
            case BF16Weights b -> {
                long base = 2L * r * n;
                FloatVector a0 = FloatVector.zero(F), a1 = a0;
                int i = 0;
                if (VEC_CONVERT) {
                    for (; i <= n - 2 * L; i += 2 * L) {
                        a0 = bf16(seg, base + 2L * i).fma(FloatVector.fromArray(F, x, xo + i), a0);
                        a1 = bf16(seg, base + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
                    }
                }
                float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
                for (; i < n; i++) s += Numerics.bf16ToFloat(seg.get(LE_SHORT, base + 2L * i)) * x[xo + i];
                return s;
            }
            case Q8Weights q -> {
                if (!VEC_CONVERT) break;
                long bo = (long) r * (n / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES;
                FloatVector acc = FloatVector.zero(F);
                for (int i = 0; i < n; i += Q8Weights.BLOCK, bo += Q8Weights.BLOCK_BYTES) {
                    float scale = Float.float16ToFloat(seg.get(LE_SHORT, bo));
                    FloatVector blk = q8(seg, bo + 2).mul(FloatVector.fromArray(F, x, xo + i));
                    for (int v = L; v < Q8Weights.BLOCK; v += L) {
                        blk = q8(seg, bo + 2 + v).fma(FloatVector.fromArray(F, x, xo + i + v), blk);
                    }
                    acc = blk.fma(FloatVector.broadcast(F, scale), acc);
                }
                return acc.reduceLanes(VectorOperators.ADD);
            }
            case F16Weights h -> {
                // No vector f16 widening in the Vector API: convert a chunk (vcvtph2ps per
                // element), then a vector dot over it.
            }
        }
        float[] buf = CHUNK_BUF.get();
        float s = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            toFloat(w, r, c, m, buf, 0);
            s += SmallGemm.dot(buf, 0, x, xo + c, m);
        }
        return s;
    }

    /** 2..FEW_ROWS rows of x: convert each chunk of a weight row once, use it for every row. */
    private static void fewRows(Tensor x, WeightMatrix w, Tensor y) {
        int t = x.rows(), in = w.cols();
        float[] xd = x.data(), yd = y.data();
        Parallel.forRange(w.rows(), 2L * in * t, (o0, o1) -> {
            float[] buf = CHUNK_BUF.get();
            float[] acc = new float[t];
            for (int o = o0; o < o1; o++) {
                Arrays.fill(acc, 0f);
                for (int c = 0; c < in; c += CHUNK) {
                    int m = Math.min(CHUNK, in - c);
                    toFloat(w, o, c, m, buf, 0);
                    for (int r = 0; r < t; r++) acc[r] += SmallGemm.dot(buf, 0, xd, x.rowOffset(r) + c, m);
                }
                for (int r = 0; r < t; r++) yd[y.rowOffset(r) + o] = acc[r];
            }
        });
    }

    /** Many rows of x and non-heap weights: GEMM over converted [NC][KC] weight blocks. */
    private static void prefill(Tensor x, WeightMatrix w, Tensor y) {
        int t = x.rows(), in = w.cols(), out = w.rows();
        int units = (out + Gemm.NR - 1) / Gemm.NR;
        int parts = Math.min(Parallel.threads(), units);
        Parallel.forRange(parts, Long.MAX_VALUE / 4, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int j0 = (int) ((long) units * p / parts) * Gemm.NR;
                int j1 = Math.min(out, (int) ((long) units * (p + 1) / parts) * Gemm.NR);
                Gemm.blocked(t, j0, j1, in, x.data(), x.rowOffset(0), x.rowStride(), y.data(), y.rowOffset(0), y.rowStride(),
                        (pc, kc, jc, nc, bp) -> {
                            float[] scratch = SCRATCH.get();
                            if (scratch.length < nc * kc) {
                                scratch = new float[Gemm.NC * Gemm.KC];
                                SCRATCH.set(scratch);
                            }
                            for (int j = 0; j < nc; j++) toFloat(w, jc + j, pc, kc, scratch, j * kc);
                            Gemm.packB(true, scratch, 0, kc, 0, kc, 0, nc, bp);
                        });
            }
        });
    }
}
