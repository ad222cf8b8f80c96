package dev.calx.tensor.cuda;

import dev.calx.tensor.Backends;
import dev.calx.tensor.CpuBackend;
import dev.calx.tensor.DType;
import dev.calx.tensor.F32Weights;
import dev.calx.tensor.Tensor;
import dev.calx.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every CUDA backend must do, checked against the CPU backend: each GEMM layout and odd
 * shapes, strided operands, batched GEMMs in the attention layout, matmul with every weight
 * format, the device weight cache, arenas and the out-of-memory report. Run on the simulated
 * device everywhere and on a real GPU when one is present.
 */
abstract class CudaBackendContract {
    static final float FP32_TOL = 1e-4f, BF16_TOL = 1e-2f;
    final CpuBackend cpu = Backends.cpu();

    /** A fresh view (own arena) of the backend under test. */
    abstract CudaBackend backend();

    /** Tensor.wrap with the shape as an array (wrap(data, rows, cols) is ambiguous with wrap(data, offset, shape...)). */
    static Tensor mat(float[] data, int... shape) {
        return Tensor.wrap(data, shape.clone());
    }

    static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    /** max |got - want| over the m×n block, relative to max(1e-6, max |want|). */
    static void assertClose(String what, float[] want, float[] got, int off, int m, int n, int ld, float tol) {
        double maxDiff = 0, maxRef = 1e-6;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = off + i * ld + j;
                if (Float.isNaN(got[idx])) fail(what + ": NaN at [" + i + "][" + j + "]");
                maxDiff = Math.max(maxDiff, Math.abs(got[idx] - want[idx]));
                maxRef = Math.max(maxRef, Math.abs(want[idx]));
            }
        }
        assertTrue(maxDiff / maxRef <= tol, what + ": relative error " + maxDiff / maxRef + " > " + tol);
    }

    @Test
    void gemmEveryTransposeLayoutAndOddShapeMatchesCpu() {
        CudaBackend cuda = backend();
        Random rnd = new Random(1);
        int[][] shapes = {{1, 1, 1}, {7, 17, 63}, {65, 33, 1}, {1, 100, 7}, {64, 64, 64}, {33, 1, 65}, {17, 1000, 5}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    for (int pad : new int[]{0, 3}) {
                        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
                        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad, off = pad * 2;
                        float[] a = random(rnd, off + aRows * lda), b = random(rnd, off + bRows * ldb);
                        float[] c0 = random(rnd, off + m * ldc);
                        for (float beta : new float[]{0f, 1.5f}) {
                            float alpha = beta == 0 ? 1f : 0.5f;
                            float[] want = c0.clone(), got = c0.clone();
                            cpu.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, want, off, ldc);
                            cuda.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, got, off, ldc);
                            String what = "gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb
                                    + " pad=" + pad + " beta=" + beta;
                            assertClose(what, want, got, off, m, n, ldc, FP32_TOL);
                            assertPaddingUntouched(what, c0, got, off, m, n, ldc);
                        }
                    }
                }
            }
        }
    }

    /** Entries of C outside the m×n block (row padding, the prefix before the offset) keep their values. */
    static void assertPaddingUntouched(String what, float[] before, float[] after, int off, int m, int n, int ld) {
        for (int i = 0; i < after.length; i++) {
            int rel = i - off;
            boolean inside = rel >= 0 && rel / ld < m && rel % ld < n;
            if (!inside && Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                fail(what + ": element " + i + " outside C changed from " + before[i] + " to " + after[i]);
            }
        }
    }

    @Test
    void gemmWithZeroInnerDimensionOnlyScalesC() {
        float[] c = {1, 2, 3, 4};
        backend().gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 2f, c, 0, 2);
        assertEquals(8f, c[3]);
    }

    @Test
    void gemmRejectsOperandsThatDoNotFit() {
        assertThrows(RuntimeException.class, () -> backend().gemm(false, false, 4, 4, 4, 1f,
                new float[15], 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
    }

    @Test
    void gemmBatchedAttentionLayoutMatchesCpu() {
        CudaBackend cuda = backend();
        Random rnd = new Random(2);
        int t = 7, heads = 3, d = 5, width = heads * d;
        float[] q = random(rnd, t * width), k = random(rnd, t * width), v = random(rnd, t * width);
        // scores[h] = Q_h · K_hᵀ: heads are column blocks of Q and K (stride d), scores are [h][t][t]
        float[] want = new float[heads * t * t], got = new float[heads * t * t];
        cpu.gemmBatched(false, true, t, t, d, 0.5f, q, 0, width, d, k, 0, width, d, 0f, want, 0, t, (long) t * t, heads);
        cuda.gemmBatched(false, true, t, t, d, 0.5f, q, 0, width, d, k, 0, width, d, 0f, got, 0, t, (long) t * t, heads);
        assertClose("scores", want, got, 0, heads * t, t, t, FP32_TOL);
        // out_h = P_h · V_h written back interleaved into [t][heads*d] (C stride d, ldc width)
        float[] outWant = new float[t * width], outGot = new float[t * width];
        cpu.gemmBatched(false, false, t, d, t, 1f, want, 0, t, (long) t * t, v, 0, width, d, 0f, outWant, 0, width, d, heads);
        cuda.gemmBatched(false, false, t, d, t, 1f, want, 0, t, (long) t * t, v, 0, width, d, 0f, outGot, 0, width, d, heads);
        assertClose("attention output", outWant, outGot, 0, t, width, width, FP32_TOL);
        // backward layout: dK_h = dScores_hᵀ · Q_h accumulated into existing values (beta 1)
        float[] dk0 = random(rnd, t * width), dkWant = dk0.clone(), dkGot = dk0.clone();
        cpu.gemmBatched(true, false, t, d, t, 1f, want, 0, t, (long) t * t, q, 0, width, d, 1f, dkWant, 0, width, d, heads);
        cuda.gemmBatched(true, false, t, d, t, 1f, want, 0, t, (long) t * t, q, 0, width, d, 1f, dkGot, 0, width, d, heads);
        assertClose("dK", dkWant, dkGot, 0, t, width, width, FP32_TOL);
    }

    @Test
    void gemmBatchedWithSharedOperandMatchesCpu() {
        CudaBackend cuda = backend();
        Random rnd = new Random(3);
        int m = 9, n = 4, k = 6, batch = 5;
        float[] a = random(rnd, m * k), b = random(rnd, batch * k * n);
        float[] want = new float[batch * m * n], got = new float[batch * m * n];
        cpu.gemmBatched(false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, (long) k * n, 0f, want, 0, n, (long) m * n, batch);
        cuda.gemmBatched(false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, (long) k * n, 0f, got, 0, n, (long) m * n, batch);
        assertClose("shared A", want, got, 0, batch * m, n, n, FP32_TOL);
    }

    /** Weights in every storage format, from the same fp32 values. */
    static WeightMatrix weights(DType type, Tensor w) {
        if (type == DType.F32) return F32Weights.of(w);
        return WeightMatrix.convert(w, type);
    }

    @Test
    void matmulWithEveryWeightFormatMatchesCpu() {
        CudaBackend cuda = backend();
        Random rnd = new Random(4);
        int in = 64, out = 33;
        Tensor wt = mat(random(rnd, out * in), out, in);
        for (DType type : DType.values()) {
            WeightMatrix w = weights(type, wt);
            float tol = type == DType.BF16 && cuda.config().bf16Gemm() ? BF16_TOL : FP32_TOL;
            for (int t : new int[]{1, 7}) {
                Tensor x = mat(random(rnd, t * in), t, in);
                Tensor want = Tensor.zeros(t, out), got = Tensor.zeros(t, out);
                cpu.matmul(x, w, want);
                cuda.matmul(x, w, got);
                assertClose("matmul " + type + " T=" + t, want.data(), got.data(), 0, t, out, out, tol);
            }
        }
        // a mapped-style fp32 segment (not a heap tensor) takes the raw-bytes upload path
        MemorySegment seg = Arena.ofAuto().allocate(4L * out * in);
        for (int i = 0; i < out * in; i++) seg.setAtIndex(Transfers.LE_FLOAT, i, wt.data()[i]);
        WeightMatrix mapped = F32Weights.of(seg, out, in);
        Tensor x = mat(random(rnd, 3 * in), 3, in);
        Tensor want = Tensor.zeros(3, out), got = Tensor.zeros(3, out);
        cpu.matmul(x, mapped, want);
        cuda.matmul(x, mapped, got);
        assertClose("matmul F32 segment", want.data(), got.data(), 0, 3, out, out, FP32_TOL);
    }

    @Test
    void matmulReadsAndWritesStridedRowViews() {
        CudaBackend cuda = backend();
        Random rnd = new Random(5);
        int t = 5, in = 32, out = 11;
        WeightMatrix w = F32Weights.of(mat(random(rnd, out * in), out, in));
        Tensor xWide = mat(random(rnd, t * 2 * in), t, 2 * in);
        Tensor x = xWide.slice(1, in, 2 * in); // the right half of each row: row stride 2*in
        Tensor yWant = mat(random(rnd, t * (out + 4)), t, out + 4);
        Tensor yGot = mat(yWant.data().clone(), t, out + 4);
        cpu.matmul(x, w, yWant.slice(1, 2, 2 + out));
        cuda.matmul(x, w, yGot.slice(1, 2, 2 + out));
        assertClose("strided matmul", yWant.data(), yGot.data(), 2, t, out, out + 4, FP32_TOL);
        assertPaddingUntouched("strided matmul", yWant.data(), yGot.data(), 2, t, out, out + 4);
    }

    @Test
    void heapWeightsStayOnTheDeviceUntilTheirVersionChanges() {
        CudaBackend cuda = backend();
        Random rnd = new Random(6);
        int in = 16, out = 8;
        Tensor param = mat(random(rnd, out * in), out, in);
        Tensor x = mat(random(rnd, 2 * in), 2, in);
        Tensor y1 = Tensor.zeros(2, out);
        cuda.matmul(x, F32Weights.of(param), y1);
        assertEquals(1, cuda.arena().size());
        // a new wrapper over the same parameter reuses the device copy
        cuda.matmul(x, F32Weights.of(param), Tensor.zeros(2, out));
        assertEquals(1, cuda.arena().size());

        for (int i = 0; i < param.size(); i++) param.data()[i] *= -2;
        Tensor stale = Tensor.zeros(2, out);
        cuda.matmul(x, F32Weights.of(param), stale);
        assertClose("without touch() the device copy is kept", y1.data(), stale.data(), 0, 2, out, out, FP32_TOL);

        param.touch();
        Tensor want = Tensor.zeros(2, out), fresh = Tensor.zeros(2, out);
        cpu.matmul(x, F32Weights.of(param), want);
        cuda.matmul(x, F32Weights.of(param), fresh);
        assertClose("after touch() the new values are used", want.data(), fresh.data(), 0, 2, out, out, FP32_TOL);
        assertEquals(1, cuda.arena().size());
    }

    @Test
    void closingTheArenaFreesTheWeights() {
        CudaBackend cuda = backend();
        WeightMatrix w = F32Weights.of(mat(random(new Random(7), 256 * 256), 256, 256));
        cuda.matmul(Tensor.zeros(1, 256), w, Tensor.zeros(1, 256));
        assertTrue(cuda.arena().contains(w));
        assertEquals(256L * 256 * 4, cuda.arena().bytes());
        cuda.arena().evict(w);
        assertFalse(cuda.arena().contains(w));
        assertEquals(0, cuda.arena().bytes());
        cuda.matmul(Tensor.zeros(1, 256), w, Tensor.zeros(1, 256));
        cuda.close();
        assertTrue(cuda.arena().isClosed());
        assertEquals(0, cuda.arena().bytes());
        assertThrows(IllegalStateException.class, () -> cuda.matmul(Tensor.zeros(1, 256), w, Tensor.zeros(1, 256)));
    }

    @Test
    void outOfMemorySaysBytesAskedForAndBytesFree() {
        CudaBackend cuda = backend();
        long[] info = cuda.memoryInfo();
        long ask = info[1] + (1L << 30);
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> cuda.allocate(ask, "a test buffer"));
        assertEquals(ask, e.requestedBytes());
        assertTrue(e.freeBytes() <= info[1], "free " + e.freeBytes() + " > total " + info[1]);
        assertTrue(e.getMessage().contains("asked for " + ask + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains(e.freeBytes() + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("a test buffer"), e.getMessage());
        // the backend still works afterwards
        float[] c = new float[1];
        cuda.gemm(false, false, 1, 1, 1, 1f, new float[]{2}, 0, 1, new float[]{3}, 0, 1, 0f, c, 0, 1);
        assertEquals(6f, c[0]);
    }

    @Test
    void rowKernelsGiveTheCpuResults() {
        CudaBackend cuda = backend();
        Random rnd = new Random(8);
        Tensor x = mat(random(rnd, 3 * 8), 3, 8), w = mat(random(rnd, 8), 8);
        Tensor want = Tensor.zeros(3, 8), got = Tensor.zeros(3, 8);
        cpu.rmsNorm(x, w, 1e-5f, want);
        cuda.rmsNorm(x, w, 1e-5f, got);
        assertEquals(java.util.Arrays.toString(want.data()), java.util.Arrays.toString(got.data()));
    }
}
