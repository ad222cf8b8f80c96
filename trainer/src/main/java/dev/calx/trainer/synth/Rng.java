package dev.calx.trainer.synth;

import java.util.List;
import java.util.SplittableRandom;

/** A seeded random source with the few draws the problem samplers need. */
public final class Rng {
    private final SplittableRandom r;

    /**
     * A source whose draws are a pure function of the seed (not thread-safe).
     *
     * @param seed the seed
     */
    public Rng(long seed) {
        this.r = new SplittableRandom(seed);
    }

    /**
     * Uniform integer in [lo, hi].
     *
     * @param lo the smallest value
     * @param hi the largest value, at least {@code lo}
     * @return the draw
     * @throws IllegalArgumentException when {@code hi < lo}
     */
    public long range(long lo, long hi) {
        return lo + r.nextLong(hi - lo + 1);
    }

    /**
     * Uniform in [lo*scale, hi*scale].
     *
     * @param lo    the smallest value before scaling
     * @param hi    the largest value before scaling
     * @param scale the magnitude factor (1, 10, 1000, ...)
     * @return the draw
     */
    public long scaled(long lo, long hi, long scale) {
        return range(lo * scale, hi * scale);
    }

    /**
     * A uniformly chosen element.
     *
     * @param <T> the element type
     * @param xs  a non-empty list
     * @return one of its elements
     */
    public <T> T pick(List<T> xs) {
        return xs.get(r.nextInt(xs.size()));
    }

    /**
     * A uniform double.
     *
     * @return a draw in [0, 1)
     */
    public double uniform() {
        return r.nextDouble();
    }
}
