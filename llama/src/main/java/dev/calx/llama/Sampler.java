package dev.calx.llama;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A minimal next-token sampler: temperature 0 is greedy (argmax, first index on ties);
 * otherwise softmax(logits / temperature), restricted to the smallest set of most likely
 * tokens whose probability reaches topP (nucleus sampling; topP >= 1 disables it). The full
 * sampler library lives in the decode module; this one exists for {@code calx generate}.
 */
public final class Sampler {
    private final float temperature, topP;
    private final SplittableRandom rnd;

    /**
     * A seeded sampler: the same seed and logits give the same tokens.
     *
     * @param temperature 0 for greedy decoding, else the softmax temperature (1 leaves the logits as they are)
     * @param topP        nucleus mass in (0, 1]; 1 samples from the whole distribution
     * @param seed        seed of the random generator (unused when greedy)
     * @throws IllegalArgumentException when temperature is negative or NaN, or topP is outside (0, 1]
     */
    public Sampler(float temperature, float topP, long seed) {
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topP = topP;
        this.rnd = new SplittableRandom(seed);
    }

    /** {@return a sampler that always takes the argmax (temperature 0)} */
    public static Sampler greedy() {
        return new Sampler(0, 1, 0);
    }

    /**
     * The index of the largest value, the first one on ties. A NaN after index 0 is never picked;
     * a NaN at index 0 is returned (nothing compares greater than it).
     *
     * @param logits scores, at least one
     * @return the index of the first maximum
     */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /**
     * Picks the next token. Not thread-safe: the sampler advances its random generator.
     *
     * @param logits unnormalized scores [vocab], not modified
     * @return the chosen index in {@code [0, logits.length)}
     */
    public int sample(float[] logits) {
        if (temperature == 0) return argmax(logits);
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp((logits[i] - max) / temperature);
        for (int i = 0; i < n; i++) p[i] /= sum;
        double u = rnd.nextDouble();
        if (topP >= 1) {
            double acc = 0;
            for (int i = 0; i < n; i++) if ((acc += p[i]) > u) return i;
            return n - 1;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double mass = 0;
        int k = 0;
        while (k < n && mass < topP) mass += p[order[k++]];
        double r = u * mass, acc = 0;
        for (int i = 0; i < k; i++) if ((acc += p[order[i]]) > r) return order[i];
        return order[k - 1];
    }
}
