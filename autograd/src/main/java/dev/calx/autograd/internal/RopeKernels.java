package dev.calx.autograd.internal;

import dev.calx.tensor.Parallel;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Rotary position embedding on rows of {@code [heads * headDim]}, rotating interleaved pairs
 * (2i, 2i+1) of each head by {@code pos * theta^(-2i/headDim)} (Meta's and llama2.c's
 * convention, the same as {@code Backend.rope}). The rotation is orthogonal, so the backward
 * pass is the same kernel with the inverse angle. cos/sin tables are cached per
 * (headDim, theta) and grown to the largest position seen; angles are computed in double.
 */
public final class RopeKernels {
    private RopeKernels() {}

    private record Key(int headDim, float theta) {}

    private record Table(int positions, float[] cos, float[] sin) {}

    private static final ConcurrentHashMap<Key, Table> TABLES = new ConcurrentHashMap<>();

    private static Table table(int headDim, float theta, int maxPos) {
        Key key = new Key(headDim, theta);
        Table t = TABLES.get(key);
        if (t != null && t.positions > maxPos) return t;
        int n = Math.max(maxPos + 1, t == null ? 256 : t.positions * 2);
        int half = headDim / 2;
        float[] cos = new float[n * half], sin = new float[n * half];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < half; i++) {
                double freq = 1.0 / Math.pow(theta, (double) (2 * i) / headDim);
                double ang = p * freq;
                cos[p * half + i] = (float) Math.cos(ang);
                sin[p * half + i] = (float) Math.sin(ang);
            }
        }
        t = new Table(n, cos, sin);
        TABLES.put(key, t);
        return t;
    }

    /**
     * Rotates rows in place: row r of x (at xo + r*cols) has position positions[r]. dst may equal
     * x (in place) or be another buffer of the same layout. With accumulate the rotated values
     * are added into dst (the backward pass adds into a gradient).
     */
    public static void apply(float[] x, int xo, float[] dst, int dsto, int rows, int cols, int headDim, float theta,
                             int[] positions, boolean inverse, boolean accumulate) {
        int maxPos = 0;
        for (int r = 0; r < rows; r++) {
            if (positions[r] < 0) throw new IllegalArgumentException("rope: negative position " + positions[r] + " at row " + r);
            maxPos = Math.max(maxPos, positions[r]);
        }
        Table t = table(headDim, theta, maxPos);
        int half = headDim / 2;
        float sign = inverse ? -1f : 1f;
        Parallel.forRange(rows, 4L * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int tb = positions[r] * half, xr = xo + r * cols, dr = dsto + r * cols;
                for (int h = 0; h < cols; h += headDim) {
                    for (int i = 0; i < half; i++) {
                        float c = t.cos[tb + i], s = sign * t.sin[tb + i];
                        int p = xr + h + 2 * i, q = dr + h + 2 * i;
                        float a = x[p], b = x[p + 1];
                        float ra = a * c - b * s, rb = a * s + b * c;
                        if (accumulate) {
                            dst[q] += ra;
                            dst[q + 1] += rb;
                        } else {
                            dst[q] = ra;
                            dst[q + 1] = rb;
                        }
                    }
                }
            }
        });
    }
}
