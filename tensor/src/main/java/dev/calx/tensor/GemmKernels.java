package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM micro-kernels over packed panels: A micro-panel [kc][MR], B micro-panel [kc][NRV*L].
 * Each keeps its MR x NRV accumulators in vector registers for the whole depth loop, so the
 * tile must fit the register file (4x4 = 16 accumulators + 4 B vectors + 1 broadcast of 32 AVX-512 registers;
 * 6x2 = 12 + 2 + 1 of 16 AVX2 ones). Larger tiles (8x3, 12x2, 4x5) measured 2-3x slower
 * under C2 on JDK 25 (register allocation gives up), so the tiles stay modest. The bodies are unrolled by hand (written out by a generator, see docs/tensor.md)
 * because C2 only keeps named locals in registers.
 */
final class GemmKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();

    private GemmKernels() {}

    /** 4 rows x 4 vectors: C[4][4*L] = alpha * A·B + beta * C (beta 0: C not read). */
    static void k4x4(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * 4 * L, ao = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, bp, bo + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ao + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
        }
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci + 0 * ldc); c01.mul(alpha).intoArray(c, ci + 0 * ldc + 1 * L); c02.mul(alpha).intoArray(c, ci + 0 * ldc + 2 * L); c03.mul(alpha).intoArray(c, ci + 0 * ldc + 3 * L);
            c10.mul(alpha).intoArray(c, ci + 1 * ldc); c11.mul(alpha).intoArray(c, ci + 1 * ldc + 1 * L); c12.mul(alpha).intoArray(c, ci + 1 * ldc + 2 * L); c13.mul(alpha).intoArray(c, ci + 1 * ldc + 3 * L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc); c21.mul(alpha).intoArray(c, ci + 2 * ldc + 1 * L); c22.mul(alpha).intoArray(c, ci + 2 * ldc + 2 * L); c23.mul(alpha).intoArray(c, ci + 2 * ldc + 3 * L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc); c31.mul(alpha).intoArray(c, ci + 3 * ldc + 1 * L); c32.mul(alpha).intoArray(c, ci + 3 * ldc + 2 * L); c33.mul(alpha).intoArray(c, ci + 3 * ldc + 3 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc).mul(beta)).intoArray(c, ci + 0 * ldc);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 1 * L);
            c02.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 2 * L);
            c03.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 3 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc).mul(beta)).intoArray(c, ci + 1 * ldc);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 1 * L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 2 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 3 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc).mul(beta)).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 1 * L);
            c22.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 2 * L);
            c23.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 3 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc).mul(beta)).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 1 * L);
            c32.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 2 * L);
            c33.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 3 * L);
        }
    }

    /** 5 rows x 4 vectors: C[5][4*L] = alpha * A·B + beta * C (beta 0: C not read). */
    static void k5x4(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F), c03 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F), c13 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F), c23 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F), c33 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F), c42 = FloatVector.zero(F), c43 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * 4 * L, ao = ai + p * 5;
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bo + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, bp, bo + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ao + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
        }
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci + 0 * ldc); c01.mul(alpha).intoArray(c, ci + 0 * ldc + 1 * L); c02.mul(alpha).intoArray(c, ci + 0 * ldc + 2 * L); c03.mul(alpha).intoArray(c, ci + 0 * ldc + 3 * L);
            c10.mul(alpha).intoArray(c, ci + 1 * ldc); c11.mul(alpha).intoArray(c, ci + 1 * ldc + 1 * L); c12.mul(alpha).intoArray(c, ci + 1 * ldc + 2 * L); c13.mul(alpha).intoArray(c, ci + 1 * ldc + 3 * L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc); c21.mul(alpha).intoArray(c, ci + 2 * ldc + 1 * L); c22.mul(alpha).intoArray(c, ci + 2 * ldc + 2 * L); c23.mul(alpha).intoArray(c, ci + 2 * ldc + 3 * L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc); c31.mul(alpha).intoArray(c, ci + 3 * ldc + 1 * L); c32.mul(alpha).intoArray(c, ci + 3 * ldc + 2 * L); c33.mul(alpha).intoArray(c, ci + 3 * ldc + 3 * L);
            c40.mul(alpha).intoArray(c, ci + 4 * ldc); c41.mul(alpha).intoArray(c, ci + 4 * ldc + 1 * L); c42.mul(alpha).intoArray(c, ci + 4 * ldc + 2 * L); c43.mul(alpha).intoArray(c, ci + 4 * ldc + 3 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc).mul(beta)).intoArray(c, ci + 0 * ldc);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 1 * L);
            c02.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 2 * L);
            c03.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 3 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc).mul(beta)).intoArray(c, ci + 1 * ldc);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 1 * L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 2 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 3 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc).mul(beta)).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 1 * L);
            c22.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 2 * L);
            c23.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 3 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc).mul(beta)).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 1 * L);
            c32.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 2 * L);
            c33.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 3 * L);
            c40.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc).mul(beta)).intoArray(c, ci + 4 * ldc);
            c41.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 1 * L);
            c42.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc + 2 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 2 * L);
            c43.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc + 3 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 3 * L);
        }
    }

    /** 6 rows x 2 vectors: C[6][2*L] = alpha * A·B + beta * C (beta 0: C not read). */
    static void k6x2(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * 2 * L, ao = ai + p * 6;
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ao + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, ap[ao + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci + 0 * ldc); c01.mul(alpha).intoArray(c, ci + 0 * ldc + 1 * L);
            c10.mul(alpha).intoArray(c, ci + 1 * ldc); c11.mul(alpha).intoArray(c, ci + 1 * ldc + 1 * L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc); c21.mul(alpha).intoArray(c, ci + 2 * ldc + 1 * L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc); c31.mul(alpha).intoArray(c, ci + 3 * ldc + 1 * L);
            c40.mul(alpha).intoArray(c, ci + 4 * ldc); c41.mul(alpha).intoArray(c, ci + 4 * ldc + 1 * L);
            c50.mul(alpha).intoArray(c, ci + 5 * ldc); c51.mul(alpha).intoArray(c, ci + 5 * ldc + 1 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc).mul(beta)).intoArray(c, ci + 0 * ldc);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 1 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc).mul(beta)).intoArray(c, ci + 1 * ldc);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 1 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc).mul(beta)).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 1 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc).mul(beta)).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 1 * L);
            c40.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc).mul(beta)).intoArray(c, ci + 4 * ldc);
            c41.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 1 * L);
            c50.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * ldc).mul(beta)).intoArray(c, ci + 5 * ldc);
            c51.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 5 * ldc + 1 * L);
        }
    }

    /** 8 rows x 2 vectors: C[8][2*L] = alpha * A·B + beta * C (beta 0: C not read). */
    static void k8x2(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int p = 0; p < kc; p++) {
            int bo = bi + p * 2 * L, ao = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(F, bp, bo);
            FloatVector b1 = FloatVector.fromArray(F, bp, bo + 1 * L);
            FloatVector a0 = FloatVector.broadcast(F, ap[ao + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, ap[ao + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, ap[ao + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, ap[ao + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(F, ap[ao + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(F, ap[ao + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(F, ap[ao + 6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(F, ap[ao + 7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci + 0 * ldc); c01.mul(alpha).intoArray(c, ci + 0 * ldc + 1 * L);
            c10.mul(alpha).intoArray(c, ci + 1 * ldc); c11.mul(alpha).intoArray(c, ci + 1 * ldc + 1 * L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc); c21.mul(alpha).intoArray(c, ci + 2 * ldc + 1 * L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc); c31.mul(alpha).intoArray(c, ci + 3 * ldc + 1 * L);
            c40.mul(alpha).intoArray(c, ci + 4 * ldc); c41.mul(alpha).intoArray(c, ci + 4 * ldc + 1 * L);
            c50.mul(alpha).intoArray(c, ci + 5 * ldc); c51.mul(alpha).intoArray(c, ci + 5 * ldc + 1 * L);
            c60.mul(alpha).intoArray(c, ci + 6 * ldc); c61.mul(alpha).intoArray(c, ci + 6 * ldc + 1 * L);
            c70.mul(alpha).intoArray(c, ci + 7 * ldc); c71.mul(alpha).intoArray(c, ci + 7 * ldc + 1 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc).mul(beta)).intoArray(c, ci + 0 * ldc);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, ci + 0 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 0 * ldc + 1 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc).mul(beta)).intoArray(c, ci + 1 * ldc);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 1 * ldc + 1 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc).mul(beta)).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 2 * ldc + 1 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc).mul(beta)).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 3 * ldc + 1 * L);
            c40.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc).mul(beta)).intoArray(c, ci + 4 * ldc);
            c41.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 4 * ldc + 1 * L);
            c50.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * ldc).mul(beta)).intoArray(c, ci + 5 * ldc);
            c51.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 5 * ldc + 1 * L);
            c60.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * ldc).mul(beta)).intoArray(c, ci + 6 * ldc);
            c61.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 6 * ldc + 1 * L);
            c70.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * ldc).mul(beta)).intoArray(c, ci + 7 * ldc);
            c71.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * ldc + 1 * L).mul(beta)).intoArray(c, ci + 7 * ldc + 1 * L);
        }
    }
}
