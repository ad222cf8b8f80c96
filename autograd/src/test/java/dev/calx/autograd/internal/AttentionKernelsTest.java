package dev.calx.autograd.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blocked GEMM attention (CPU block size, an odd one, whole-sequence blocks) against the obvious loops. */
class AttentionKernelsTest {

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static void assertClose(String what, float[] a, float[] b, double tol) {
        double m = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        assertTrue(m <= tol * Math.max(1, scale), what + ": max diff " + m + " (scale " + scale + ")");
    }

    private static void compare(int batch, int seq, int heads, int kv, int hd, int[] starts, long seed) {
        Random r = new Random(seed);
        var s = new AttentionKernels.Shape(batch, seq, heads, kv, hd, starts);
        int n = batch * seq, qc = heads * hd, kc = kv * hd;
        float[] q = rand(r, n * qc), k = rand(r, n * kc), v = rand(r, n * kc), dout = rand(r, n * qc);
        for (int block : new int[]{AttentionKernels.BLOCK, 17, Math.max(1, seq)}) {
            compare(s, q, k, v, dout, block);
        }
    }

    private static void compare(AttentionKernels.Shape s, float[] q, float[] k, float[] v, float[] dout, int block) {
        int batch = s.batch(), seq = s.seq(), heads = s.heads(), kv = s.kvHeads(), hd = s.headDim();
        int n = batch * seq, qc = heads * hd, kc = kv * hd;
        float[] o1 = new float[n * qc], o2 = new float[n * qc];
        float[] l1 = new float[batch * heads * seq], l2 = new float[batch * heads * seq];
        AttentionKernels.forward(s, q, 0, k, 0, v, 0, o1, 0, l1, block);
        AttentionKernels.referenceForward(s, q, 0, k, 0, v, 0, o2, 0, l2);
        String c = "batch " + batch + " seq " + seq + " heads " + heads + "/" + kv + " hd " + hd + " block " + block;
        assertClose(c + " out", o1, o2, 1e-5);
        assertClose(c + " lse", l1, l2, 1e-5);
        float[][] g1 = {new float[n * qc], new float[n * kc], new float[n * kc]};
        float[][] g2 = {new float[n * qc], new float[n * kc], new float[n * kc]};
        AttentionKernels.backward(s, q, 0, k, 0, v, 0, o1, 0, l1, dout, 0, g1[0], 0, g1[1], 0, g1[2], 0, block);
        AttentionKernels.referenceBackward(s, q, 0, k, 0, v, 0, o2, 0, l2, dout, 0, g2[0], 0, g2[1], 0, g2[2], 0);
        assertClose(c + " dq", g1[0], g2[0], 1e-4);
        assertClose(c + " dk", g1[1], g2[1], 1e-4);
        assertClose(c + " dv", g1[2], g2[2], 1e-4);
    }

    @Test
    void blockedAttentionMatchesTheReferenceLoops() {
        compare(2, 150, 4, 2, 16, null, 1);   // several row blocks, GQA
        compare(1, 64, 3, 1, 8, null, 2);     // exactly one block, MQA
        compare(3, 1, 2, 2, 4, null, 3);      // length-1 sequences
        compare(1, 130, 1, 1, 32, null, 4);   // one head
    }

    @Test
    void blockedPackedAttentionMatchesTheReferenceLoops() {
        int seq = 100;
        int[] starts = new int[2 * seq];
        for (int b = 0; b < 2; b++) {
            int st = 0;
            for (int t = 0; t < seq; t++) {
                if (t == 17 || t == 70 || t == 71 || (b == 1 && t == 40)) st = t;
                starts[b * seq + t] = st;
            }
        }
        compare(2, seq, 2, 1, 8, starts, 5);
    }
}
