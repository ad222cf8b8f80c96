package dev.calx.trainer.synth;

import java.util.List;
import java.util.SplittableRandom;

/** A seeded random source with the few draws the problem samplers need. */
public final class Rng {
    private final SplittableRandom r;

    public Rng(long seed) {
        this.r = new SplittableRandom(seed);
    }

    /** Uniform integer in [lo, hi]. */
    public long range(long lo, long hi) {
        return lo + r.nextLong(hi - lo + 1);
    }

    /** Uniform in [lo*scale, hi*scale]. */
    public long scaled(long lo, long hi, long scale) {
        return range(lo * scale, hi * scale);
    }

    public <T> T pick(List<T> xs) {
        return xs.get(r.nextInt(xs.size()));
    }

    public double uniform() {
        return r.nextDouble();
    }
}
