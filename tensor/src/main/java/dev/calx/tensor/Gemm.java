package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed, cache-blocked, register-blocked GEMM behind {@link CpuBackend#gemm}.
 *
 * <p>Structure (GotoBLAS/BLIS): for each column block of C (NC wide) and each depth block
 * (KC deep), op(B) is packed into micro-panels [KC][NR] and op(A) into micro-panels
 * [KC][MR]. Packing turns all four transpose combinations into one canonical layout, so a
 * single micro-kernel serves them all, and zero-pads the edges so the kernel always
 * computes a full MR x NR tile (edge tiles go through a small scratch tile).
 *
 * <p>The loop order keeps one A micro-panel (MR*KC floats, 8 KiB) in L1 while the packed B
 * block (KC*NC floats, 0.5 MiB) streams from L2. The register tile adapts to the lane
 * count: with 16 float lanes (AVX-512, 32 vector registers) it is 4 rows x 4 vectors
 * (16 accumulators, 4x64 floats); with fewer lanes (AVX2, 16 registers) 6 rows x 2
 * vectors. -Dcalx.gemm.tile / kc / nc / mc override them for tuning.
 *
 * <p>Threads split C into column (or, for tall-thin C, row) stripes; each thread packs its
 * own panels, so there is no synchronization inside a GEMM. Small GEMMs run on the caller.
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Register tile "rowsxvectors"; see the class doc for the default. */
    static final String TILE = System.getProperty("calx.gemm.tile", L >= 16 ? "4x4" : "6x2");
    static final int MR = Integer.parseInt(TILE.substring(0, TILE.indexOf('x')));
    static final int NRV = Integer.parseInt(TILE.substring(TILE.indexOf('x') + 1));
    private static final int KERNEL = switch (TILE) {
        case "4x4" -> 0;
        case "5x4" -> 1;
        case "6x2" -> 2;
        case "8x2" -> 3;
        default -> throw new IllegalArgumentException("calx.gemm.tile: unknown tile " + TILE + " (4x4, 5x4, 6x2, 8x2)");
    };
    static final int NR = NRV * L;
    static final int KC = Integer.getInteger("calx.gemm.kc", 256);
    static final int NC = roundUp(Integer.getInteger("calx.gemm.nc", 512), NR);
    static final int MC = roundUp(Integer.getInteger("calx.gemm.mc", 192), MR);
    /** Below this many multiply-adds a GEMM stays on the calling thread. */
    static final long PARALLEL_MIN = 1L << 21;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() ->
            new float[][]{new float[MC * KC], new float[NC * KC], new float[MR * NR]});

    private Gemm() {}

    static int roundUp(int v, int m) {
        return Math.max(m, (v + m - 1) / m * m);
    }

    /** Arguments already checked. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, boolean mayFork) {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m <= 2) {
            for (int i = 0; i < m; i++) {
                SmallGemm.row(transA, transB, n, k, alpha, a, transA ? aOff + i : aOff + i * lda, transA ? lda : 1,
                        b, bOff, ldb, beta, c, cOff + i * ldc);
            }
            return;
        }
        int threads = Parallel.threads();
        long work = (long) m * n * k;
        if (!mayFork || threads == 1 || work < PARALLEL_MIN) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Split the larger dimension of C into stripes aligned to the register tile.
        boolean splitN = n >= m || n >= threads * NC;
        int unit = splitN ? NR : MR;
        int units = ((splitN ? n : m) + unit - 1) / unit;
        int parts = Math.min(threads, units);
        Parallel.forRange(parts, Long.MAX_VALUE / 4, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int u0 = (int) ((long) units * p / parts), u1 = (int) ((long) units * (p + 1) / parts);
                if (splitN) {
                    int j0 = u0 * unit, j1 = Math.min(n, u1 * unit);
                    blocked(transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                } else {
                    int i0 = u0 * unit, i1 = Math.min(m, u1 * unit);
                    blocked(transA, transB, i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
        });
    }

    static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, o, o + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    /** C[i0..i1)[j0..j1) on the calling thread. */
    static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        float[][] bufs = BUFFERS.get();
        float[] ap = bufs[0], bp = bufs[1], tile = bufs[2];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaEff = pc == 0 ? beta : 1f;
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    macro(mc, nc, kc, alpha, ap, bp, betaEff, c, cOff + ic * ldc + jc, ldc, tile);
                }
            }
        }
    }

    /** One packed A block times one packed B block into C. */
    private static void macro(int mc, int nc, int kc, float alpha, float[] ap, float[] bp,
                              float beta, float[] c, int cOff, int ldc, float[] tile) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int aIdx = ir * kc;
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int bIdx = jr * kc;
                int co = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    kernel(kc, ap, aIdx, bp, bIdx, c, co, ldc, alpha, beta);
                } else {
                    kernel(kc, ap, aIdx, bp, bIdx, tile, 0, NR, 1f, 0f);
                    for (int i = 0; i < mr; i++) {
                        for (int j = 0; j < nr; j++) {
                            int ci = co + i * ldc + j;
                            float v = alpha * tile[i * NR + j];
                            c[ci] = beta == 0f ? v : v + beta * c[ci];
                        }
                    }
                }
            }
        }
    }

    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                               float alpha, float beta) {
        switch (KERNEL) {
            case 0 -> GemmKernels.k4x4(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
            case 1 -> GemmKernels.k5x4(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
            case 2 -> GemmKernels.k6x2(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
            default -> GemmKernels.k8x2(kc, ap, ai, bp, bi, c, ci, ldc, alpha, beta);
        }
    }

    /** op(A)[ic..ic+mc)[pc..pc+kc) into micro-panels [kc][MR], zero-padded to a multiple of MR rows. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA) {
                // A stored [k][m]: each depth step reads mr consecutive floats.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir, dst = base + p * MR;
                    for (int i = 0; i < mr; i++) ap[dst + i] = a[src + i];
                    for (int i = mr; i < MR; i++) ap[dst + i] = 0f;
                }
            } else if (mr == MR) {
                // A stored [m][k]: walk the MR rows side by side so each depth step writes MR
                // consecutive floats.
                int src = aOff + (ic + ir) * lda + pc;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    for (int i = 0; i < MR; i++) ap[dst + i] = a[src + i * lda + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    for (int i = 0; i < mr; i++) ap[dst + i] = a[aOff + (ic + ir + i) * lda + pc + p];
                    for (int i = mr; i < MR; i++) ap[dst + i] = 0f;
                }
            }
        }
    }

    /** Lane i holds i * ld: the gather pattern that reads one column of L rows of B. */
    private static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[L + 1]);

    /** op(B)[pc..pc+kc)[jc..jc+nc) into micro-panels [kc][NR], zero-padded to a multiple of NR columns. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        int[] idx = null;
        if (transB) {
            idx = GATHER.get();
            if (idx[L] != ldb) {
                for (int i = 0; i < L; i++) idx[i] = i * ldb;
                idx[L] = ldb;
            }
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                // B stored [k][n]: each depth step is NR consecutive floats.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr, dst = base + p * NR;
                    if (nr == NR) {
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(F, b, src + v).intoArray(bp, dst + v);
                    } else {
                        for (int j = 0; j < nr; j++) bp[dst + j] = b[src + j];
                        for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
                    }
                }
            } else {
                // B stored [n][k]: gather one column of L rows into one vector per depth step.
                int v = 0;
                for (; v + L <= nr; v += L) {
                    int src = bOff + (jc + jr + v) * ldb + pc, dst = base + v;
                    for (int p = 0; p < kc; p++) {
                        FloatVector.fromArray(F, b, src + p, idx, 0).intoArray(bp, dst + p * NR);
                    }
                }
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR;
                    for (int j = v; j < nr; j++) bp[dst + j] = b[bOff + (jc + jr + j) * ldb + pc + p];
                    for (int j = nr; j < NR; j++) bp[dst + j] = 0f;
                }
            }
        }
    }
}
