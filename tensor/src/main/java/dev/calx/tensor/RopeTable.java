package dev.calx.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Precomputed RoPE rotations for one (headDim, theta): for position p and lane i of a head,
 * {@code cos[p*headDim + i]} is the cosine of pair i/2's angle and {@code sin[p*headDim + i]}
 * its sine with the sign that the pair swap needs (-sin on the even lane, +sin on the odd
 * one), so a head rotates as {@code x*cos + swapPairs(x)*sin}. The angles are computed in
 * double exactly as {@link ScalarKernels#rope} does. Tables grow by doubling and are cached;
 * a table is never modified after it is published.
 */
record RopeTable(int headDim, float theta, int positions, float[] cos, float[] sin) {
    static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(FloatVector.SPECIES_PREFERRED, i -> i ^ 1);
    private static final ConcurrentHashMap<Long, RopeTable> CACHE = new ConcurrentHashMap<>();

    /** A table covering at least positions [0, needed). */
    static RopeTable get(int headDim, float theta, int needed) {
        long key = ((long) headDim << 32) | (Float.floatToIntBits(theta) & 0xffffffffL);
        RopeTable t = CACHE.get(key);
        if (t != null && t.positions >= needed) return t;
        return CACHE.compute(key, (k, old) -> old != null && old.positions >= needed ? old
                : build(headDim, theta, Math.max(256, Integer.highestOneBit(Math.max(1, needed - 1)) << 1)));
    }

    static RopeTable build(int headDim, float theta, int positions) {
        float[] cos = new float[positions * headDim], sin = new float[positions * headDim];
        double[] freq = new double[headDim / 2];
        for (int i = 0; i < headDim; i += 2) freq[i / 2] = 1.0 / Math.pow(theta, (double) i / headDim);
        for (int p = 0; p < positions; p++) {
            int o = p * headDim;
            for (int i = 0; i < headDim; i += 2) {
                double ang = p * freq[i / 2];
                float c = (float) Math.cos(ang), s = (float) Math.sin(ang);
                cos[o + i] = c;
                cos[o + i + 1] = c;
                sin[o + i] = -s;
                sin[o + i + 1] = s;
            }
        }
        return new RopeTable(headDim, theta, positions, cos, sin);
    }
}
