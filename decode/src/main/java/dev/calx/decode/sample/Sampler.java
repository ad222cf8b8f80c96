package dev.calx.decode.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy, or temperature sampling restricted to the top-k
 * tokens and to the smallest set whose probability reaches top-p (nucleus). One Sampler holds
 * one random stream; create one per sequence for reproducible results. Not thread-safe.
 */
public final class Sampler {
    private final SamplerConfig config;
    private final SplittableRandom random;

    /**
     * A sampler whose random stream starts from {@code config.seed()}.
     *
     * @param config how tokens are chosen; not null
     */
    public Sampler(SamplerConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    /** {@return the configuration this sampler draws with} */
    public SamplerConfig config() {
        return config;
    }

    /**
     * Picks the next token. Greedy configs return {@link #argmax}; otherwise the logits are
     * divided by the temperature, softmaxed, filtered by top-k and top-p, renormalized, and one
     * uniform number is drawn from this sampler's stream. Entries of {@code -Infinity} (masked
     * tokens) get probability 0. The array is not modified.
     *
     * @param logits unnormalized scores, one per vocabulary id ([vocab])
     * @return the chosen token id, in {@code [0, logits.length)}
     */
    public int sample(float[] logits) {
        if (config.isGreedy()) return argmax(logits);
        return sample(logits, random.nextDouble());
    }

    /**
     * The index of the largest logit (the lowest index on ties).
     *
     * @param logits scores, one per vocabulary id; not empty
     * @return the id with the highest score
     */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Samples with a given uniform number u in [0, 1); exposed for the tests. */
    int sample(float[] logits, double u) {
        int n = logits.length;
        float max = logits[argmax(logits)];
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / config.temperature());
            sum += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= sum;
        if (config.topK() <= 0 && config.topP() >= 1f) return draw(p, identity(n), n, u);

        // Candidates sorted by probability, descending (ties by index, for determinism).
        // Tokens below (1 - topP) / (n - 1) together weigh less than 1 - topP, so they can never
        // be in the nucleus; dropping them first keeps the sort small (as llama2.c does).
        double cutoff = config.topP() < 1f ? (1 - config.topP()) / (n - 1) : 0;
        int[] order = candidates(p, cutoff);
        int keep = order.length;
        if (config.topK() > 0) keep = Math.min(keep, config.topK());
        if (config.topP() < 1f) {
            double cum = 0;
            for (int i = 0; i < keep; i++) {
                cum += p[order[i]];
                if (cum >= config.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        return draw(p, order, keep, u);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static int[] candidates(double[] p, double cutoff) {
        int count = 0;
        for (double v : p) if (v >= cutoff) count++;
        if (count == 0) return new int[] {argmaxOf(p)};
        Integer[] boxed = new Integer[count];
        for (int i = 0, j = 0; i < p.length; i++) if (p[i] >= cutoff) boxed[j++] = i;
        Arrays.sort(boxed, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = boxed[i];
        return out;
    }

    private static int argmaxOf(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    /** Draws from the first `keep` entries of order, renormalized. */
    private static int draw(double[] p, int[] order, int keep, double u) {
        double total = 0;
        for (int i = 0; i < keep; i++) total += p[order[i]];
        double target = u * total, cum = 0;
        for (int i = 0; i < keep; i++) {
            cum += p[order[i]];
            if (target < cum) return order[i];
        }
        return order[keep - 1];
    }
}
