package dev.calx.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static dev.calx.tensor.TestData.*;
import static org.junit.jupiter.api.Assertions.*;

/** y = x·wᵀ for every storage format (decode, few rows, prefill) and embedding, against the scalar path. */
class MatmulTest {

    @Test
    void everyFormatAndRowCountMatchesScalarPath() {
        Random r = new Random(21);
        // 1003x50 and 515x70: decode's interleaved row streams with a remainder in every thread's share;
        // 1005x70: the last block leaves 5 rows (a group of four and one single row) after its
        // groups of eight
        // 1027x768: a Q8_0 GEMV large enough for WeightKernels.q8Stealing (shares of 256 KiB and
        // more), with 3 rows left over for the one-row kernel
        int[][] shapes = {{1, 32}, {7, 64}, {67, 96}, {130, 320}, {1003, 50}, {515, 70}, {1005, 70}, {1003, 96}, {1027, 768},
                // rows of 16 KiB and more take the adjacent-group path: fp32 4096, bf16 8192, Q8_0 16384 columns
                {70, 4096}, {41, 8192}, {19, 16384}};
        int[] rowCounts = {1, 2, 4, 5, 37};
        for (int[] s : shapes) {
            Tensor wt = random(r, s[0], s[1], 1f);
            for (DType dt : DType.values()) {
                if (dt == DType.Q8_0 && s[1] % Q8Weights.BLOCK != 0) continue; // Q8_0 needs whole blocks
                WeightMatrix w = WeightMatrix.convert(wt, dt);
                for (int t : rowCounts) {
                    Tensor x = TestData.strided(r, t, s[1], 1f);
                    Tensor y1 = Tensor.zeros(t, s[0]), y2 = Tensor.zeros(t, s[0]);
                    SIMD.matmul(x, w, y1);
                    SCALAR.matmul(x, w, y2);
                    // fp32 sums in another order differ by rounding that grows with the row length: the
                    // terms here are O(1), so 8192 of them carry about 1e-4 of absolute noise. A wrong
                    // row or column would be off by O(10).
                    double abs = Math.max(1e-4, 4e-7 * s[1]);
                    assertClose("matmul " + dt + " w=" + s[0] + "x" + s[1] + " T=" + t, y2, y1, abs, 1e-4);
                }
            }
        }
    }

    /**
     * Q8_0 scales as a file may hold them, not only as the quantizer writes them: negative
     * (the sign bit set, so the short is negative and the scale table's index must be masked),
     * zero and minus zero, subnormal and the largest finite fp16. The interleaved kernel with its
     * regions (768 columns: decode's layer shapes, and 1027 rows: the stealing path), the
     * adjacent one (16384 columns) and the one-row tail must all give the scalar path's rows.
     */
    @Test
    void q8ScalesOfEveryKindMatchScalarPath() {
        Random r = new Random(28);
        short[] special = {(short) 0x8000, 0, (short) 0x0001, (short) 0x03FF, (short) 0x7BFF, (short) 0xFBFF, (short) 0xB800};
        for (int[] s : new int[][]{{1027, 768}, {768, 768}, {130, 320}, {19, 16384}, {7, 64}}) {
            int rows = s[0], cols = s[1];
            MemorySegment seg = Arena.ofAuto().allocate((long) rows * (cols / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES, 64);
            for (long o = 0; o < seg.byteSize(); o += Q8Weights.BLOCK_BYTES) {
                short d = r.nextInt(4) == 0 ? special[r.nextInt(special.length)]
                        : Float.floatToFloat16((r.nextBoolean() ? -1 : 1) * (1e-3f + r.nextFloat() * 0.1f));
                seg.set(BF16Weights.LE_SHORT, o, d);
                for (int i = 0; i < Q8Weights.BLOCK; i++) seg.set(ValueLayout.JAVA_BYTE, o + 2 + i, (byte) (r.nextInt(256) - 128));
            }
            // A block scaled by 65504 dwarfs the others: compare each row against its own magnitude.
            WeightMatrix w = new Q8Weights(seg, rows, cols);
            for (int t : new int[]{1, 3}) {
                Tensor x = TestData.strided(r, t, cols, 1f), y1 = Tensor.zeros(t, rows), y2 = Tensor.zeros(t, rows);
                SIMD.matmul(x, w, y1);
                SCALAR.matmul(x, w, y2);
                for (int i = 0; i < t; i++) {
                    for (int o = 0; o < rows; o++) {
                        float e = y2.get(i, o), a = y1.get(i, o);
                        assertEquals(e, a, 1e-5 * Math.max(1, Math.abs(e)) + 1e-3 * rowScale(seg, o, cols),
                                "Q8_0 " + rows + "x" + cols + " T=" + t + " row " + o);
                    }
                }
            }
        }
    }

    /** The largest |scale| x 127 x 4 of a Q8_0 row: a bound on its terms' rounding noise. */
    private static double rowScale(MemorySegment seg, int row, int cols) {
        long base = (long) row * (cols / Q8Weights.BLOCK) * Q8Weights.BLOCK_BYTES;
        double m = 0;
        for (int b = 0; b < cols / Q8Weights.BLOCK; b++) {
            m = Math.max(m, Math.abs(Float.float16ToFloat(seg.get(BF16Weights.LE_SHORT, base + (long) b * Q8Weights.BLOCK_BYTES))));
        }
        return m * 127 * 4;
    }

    /** Every region layout of q8Rows4's steps covers each group once, whatever n, k and h = n / k. */
    @Test
    void regionGroupsAreAPermutation() {
        for (int k = 1; k <= 5; k++) {
            for (int n = 0; n <= 300; n++) {
                int h = n / k;
                boolean[] seen = new boolean[n];
                for (int t = 0; t < n; t++) {
                    int g = WeightKernels.regionGroup(t, k, h);
                    assertTrue(g >= 0 && g < n && !seen[g], "k=" + k + " n=" + n + ": step " + t + " gives group " + g);
                    seen[g] = true;
                }
                if (k == 2 && n >= 4) assertEquals(h, WeightKernels.regionGroup(1, k, h), "k=2 n=" + n + ": step 1 starts region 1");
            }
        }
    }

    @Test
    void mappedStyleF32SegmentWeightsMatchHeapWeights() {
        Random r = new Random(22);
        // 45x70: one block with a 1-row remainder; 1003x50 and 515x96: interleaved groups over
        // several blocks, with remainders; 1005x70: eight-row groups, then a four-row group and a
        // single row in the last block; 70x4096: adjacent groups (16 KiB rows)
        for (int[] s : new int[][]{{45, 70}, {1003, 50}, {515, 96}, {1005, 70}, {70, 4096}}) {
            int rows = s[0], cols = s[1];
            Tensor wt = random(r, rows, cols, 1f);
            // 4 bytes past a 64-byte boundary, as a tensor inside a mapped file can be
            MemorySegment seg = Arena.ofAuto().allocate(4L * rows * cols + 4, 64).asSlice(4);
            for (int i = 0; i < rows * cols; i++) seg.set(F32Weights.LE_FLOAT, 4L * i, wt.data()[i]);
            WeightMatrix mapped = F32Weights.of(seg, rows, cols), heap = F32Weights.of(wt);
            for (int t : new int[]{1, 3, 20}) {
                Tensor x = random(r, t, cols, 1f), y1 = Tensor.zeros(t, rows), y2 = Tensor.zeros(t, rows), y3 = Tensor.zeros(t, rows);
                SIMD.matmul(x, mapped, y1);
                SIMD.matmul(x, heap, y2);
                SCALAR.matmul(x, heap, y3);
                String what = "segment vs heap " + rows + "x" + cols + " T=" + t;
                assertClose(what, y2, y1, Math.max(1e-5, 4e-7 * cols), 1e-5);
                assertClose(what + " (scalar)", y3, y1, Math.max(1e-4, 4e-7 * cols), 1e-4);
            }
        }
    }

    @Test
    void bf16GemvWithOddRowLengthUsesTheGeneralPath() {
        Random r = new Random(23);
        Tensor wt = random(r, 9, 33, 1f);
        WeightMatrix w = WeightMatrix.convert(wt, DType.BF16);
        Tensor x = random(r, 1, 33, 1f), y1 = Tensor.zeros(1, 9), y2 = Tensor.zeros(1, 9);
        SIMD.matmul(x, w, y1);
        SCALAR.matmul(x, w, y2);
        assertClose("bf16 odd cols", y2, y1, 1e-5, 1e-5);
    }

    @Test
    void bf16GemvCoversTheEightFourAndSingleRowKernelsWithAVectorTail() {
        // 8+8+4+3 rows (and 23 split across threads in any way), 50 columns: 25 packed pairs, so
        // one full vector of pairs at 16 lanes plus a scalar tail, or more vectors at 8 lanes.
        Random r = new Random(24);
        for (int rows : new int[]{8, 12, 23}) {
            Tensor wt = random(r, rows, 50, 1f);
            WeightMatrix w = WeightMatrix.convert(wt, DType.BF16);
            Tensor x = random(r, 1, 50, 1f), y1 = Tensor.zeros(1, rows), y2 = Tensor.zeros(1, rows);
            SIMD.matmul(x, w, y1);
            SCALAR.matmul(x, w, y2);
            assertClose("bf16 gemv rows=" + rows, y2, y1, 1e-5, 1e-5);
        }
    }

    @Test
    void embeddingGathersRowsInEveryFormat() {
        Random r = new Random(24);
        Tensor table = random(r, 50, 96, 1f);
        int[] ids = {0, 49, 7, 7};
        for (DType dt : DType.values()) {
            WeightMatrix w = WeightMatrix.convert(table, dt);
            Tensor o1 = Tensor.zeros(4, 96), o2 = Tensor.zeros(4, 96);
            SIMD.embedding(w, ids, o1);
            SCALAR.embedding(w, ids, o2);
            assertClose("embedding " + dt, o2, o1, 0, 0);
        }
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> SIMD.embedding(WeightMatrix.convert(table, DType.F32), new int[]{50}, Tensor.zeros(1, 96)));
        assertTrue(e.getMessage().contains("50"), e.getMessage());
    }

    @Test
    void matmulShapeErrorNamesAllShapes() {
        WeightMatrix w = WeightMatrix.convert(Tensor.zeros(8, 32), DType.F32);
        ShapeException e = assertThrows(ShapeException.class, () -> SIMD.matmul(Tensor.zeros(2, 31), w, Tensor.zeros(2, 8)));
        assertTrue(e.getMessage().contains("[2, 31]") && e.getMessage().contains("[8][32]"), e.getMessage());
    }

    /**
     * The GEMV block rule: a multiple of 8 (then the rows that the 4- and 8-stream kernels leave
     * over are the matrix's last rows whatever the thread count, so results do not depend on
     * it), at least 32 rows, at least one block per thread where rows allow, and otherwise long
     * enough that each interleaved stream covers 64 KiB of rows.
     */
    @Test
    void gemvBlocksGiveLongStreamsAndABlockPerThread() {
        for (int threads : new int[]{1, 2, 4, 16}) {
            for (DType dt : new DType[]{DType.F32, DType.BF16, DType.Q8_0}) {
                int streams = dt == DType.BF16 ? 8 : 4;
                for (int[] shape : new int[][]{{768, 768}, {2048, 768}, {768, 2048}, {32000, 768}, {32000, 288}, {64, 64}, {11008, 4096}}) {
                    WeightMatrix w = WeightMatrix.convert(Tensor.zeros(shape[0], shape[1]), dt);
                    int b = WeightKernels.gemvBlock(w, threads);
                    String what = dt + " " + shape[0] + "x" + shape[1] + ", " + threads + " threads: block " + b;
                    assertEquals(0, b % 8, what);
                    assertTrue(b >= 32, what);
                    long rowBytes = (long) shape[1] * dt.blockBytes / dt.blockSize;
                    int cap = Math.max(32, (shape[0] / threads + 7) / 8 * 8);
                    boolean longStreams = (long) (b / streams) * rowBytes >= 64 * 1024 - rowBytes * 8;
                    assertTrue(b <= cap, what + " leaves fewer blocks than threads");
                    assertTrue(longStreams || b == cap, what + " gives streams of " + (b / streams) * rowBytes + " bytes");
                }
            }
        }
        // 768x768 Q8_0 (816-byte rows): 4 streams of 256 KiB would be 1288 rows, capped at rows / threads
        WeightMatrix q = WeightMatrix.convert(Tensor.zeros(768, 768), DType.Q8_0);
        assertEquals(384, WeightKernels.gemvBlock(q, 2));
        assertEquals(192, WeightKernels.gemvBlock(q, 4));
    }

    /**
     * One x against several matrices (decode's q, k, v; gate, up) gives what separate matmuls
     * give, in every format: on a one-row x Q8_0's matrices go out as one parallel call, the
     * first ones as whole-matrix blocks. Every row runs through the same kernel either way, but
     * the Vector API sums a vector's lanes in another order before C2 compiles a kernel than
     * after, so two calls can differ in the last bits (even two separate matmuls do). With
     * assertArrayEquals in place of assertClose this test fails at varying rows, and passes
     * under {@code -Dsurefire.argLine=-Xint} (both tried by hand, session 8).
     */
    @Test
    void severalMatricesAtOnceMatchSeparateMatmuls() {
        Random r = new Random(23);
        int[][][] groups = {
                {{768, 768}, {768, 768}, {768, 768}},   // q, k, v of stories110M
                {{2048, 768}, {2048, 768}},             // gate, up
                {{1005, 96}, {45, 96}, {1003, 96}, {8, 96}, {130, 96}},
                {{67, 320}}};
        for (int[][] g : groups) {
            int cols = g[0][1];
            Tensor[] wts = new Tensor[g.length];
            for (int i = 0; i < g.length; i++) wts[i] = random(r, g[i][0], cols, 1f);
            for (DType dt : DType.values()) {
                WeightMatrix[] ws = new WeightMatrix[g.length];
                for (int i = 0; i < g.length; i++) ws[i] = WeightMatrix.convert(wts[i], dt);
                for (int t : new int[]{1, 3}) {
                    Tensor x = TestData.strided(r, t, cols, 1f);
                    for (CpuBackend be : new CpuBackend[]{SIMD, SCALAR}) {
                        Tensor[] together = new Tensor[g.length];
                        for (int i = 0; i < g.length; i++) together[i] = Tensor.zeros(t, g[i][0]);
                        be.matmul(x, ws, together);
                        for (int i = 0; i < g.length; i++) {
                            Tensor alone = Tensor.zeros(t, g[i][0]);
                            be.matmul(x, ws[i], alone);
                            assertClose(dt + " matrix " + i + " of " + g.length + " (" + g[i][0] + "x" + cols + "), T=" + t
                                    + ", simd=" + be.simd(), alone, together[i], 1e-5, 1e-5);
                        }
                    }
                }
            }
        }
    }

    @Test
    void severalMatricesAtOnceRejectBadArgumentsByIndex() {
        WeightMatrix a = WeightMatrix.convert(Tensor.zeros(8, 32), DType.F32), b = WeightMatrix.convert(Tensor.zeros(16, 32), DType.Q8_0);
        Tensor x = Tensor.zeros(1, 32);
        ShapeException e = assertThrows(ShapeException.class,
                () -> SIMD.matmul(x, new WeightMatrix[]{a, b}, new Tensor[]{Tensor.zeros(1, 8)}));
        assertTrue(e.getMessage().contains("2 weight matrices but 1 outputs"), e.getMessage());
        e = assertThrows(ShapeException.class,
                () -> SIMD.matmul(x, new WeightMatrix[]{a, b}, new Tensor[]{Tensor.zeros(1, 8), Tensor.zeros(1, 15)}));
        assertTrue(e.getMessage().contains("pair 1") && e.getMessage().contains("[16][32]"), e.getMessage());
        Tensor shared = Tensor.zeros(1, 24);
        Tensor y0 = Tensor.wrapAt(shared.data(), 0, new int[]{1, 8}), y1 = Tensor.wrapAt(shared.data(), 4, new int[]{1, 16});
        e = assertThrows(ShapeException.class, () -> SIMD.matmul(x, new WeightMatrix[]{a, b}, new Tensor[]{y0, y1}));
        assertTrue(e.getMessage().contains("outputs 0 and 1 overlap"), e.getMessage());
        Tensor y2 = Tensor.wrapAt(shared.data(), 8, new int[]{1, 16});
        SIMD.matmul(x, new WeightMatrix[]{a, b}, new Tensor[]{y0, y2}); // adjacent, not overlapping
        Tensor xy = Tensor.zeros(1, 40), xin = Tensor.wrapAt(xy.data(), 0, new int[]{1, 32}), yin = Tensor.wrapAt(xy.data(), 30, new int[]{1, 8});
        e = assertThrows(ShapeException.class, () -> SIMD.matmul(xin, new WeightMatrix[]{a}, new Tensor[]{yin}));
        assertTrue(e.getMessage().contains("pair 0: the output overlaps x"), e.getMessage());
    }
}
