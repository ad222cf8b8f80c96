package dev.calx.autograd;

import dev.calx.tensor.Tensor;

import java.util.Random;

/** Random test tensors. */
final class TestTensors {
    private TestTensors() {}

    static Tensor randn(Random r, float scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * scale);
        return t;
    }

    static Variable param(String name, Random r, float scale, int... shape) {
        return Variable.parameter(name, randn(r, scale, shape));
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        if (x.length != y.length) throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    static double maxAbs(Tensor a) {
        double m = 0;
        for (float v : a.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
