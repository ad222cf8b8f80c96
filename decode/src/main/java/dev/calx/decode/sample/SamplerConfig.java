package dev.calx.decode.sample;

/**
 * How the next token is chosen. {@code temperature == 0} is greedy (argmax); {@code topK <= 0} and {@code topP >= 1}
 * disable those filters. The seed makes sampling reproducible: the same seed, logits and
 * config give the same tokens.
 *
 * @param temperature divisor of the logits before the softmax; 0 for greedy, never negative
 * @param topK        keep only the k most probable tokens; 0 or less keeps all
 * @param topP        keep the smallest set of most probable tokens whose probability reaches
 *                    this, in (0, 1]; 1 keeps all
 * @param seed        seed of the {@link Sampler}'s random stream (ignored when greedy)
 */
public record SamplerConfig(float temperature, int topK, float topP, long seed) {
    /**
     * Validates the ranges.
     *
     * @param temperature divisor of the logits, at least 0 and not NaN
     * @param topK        top-k filter size; 0 or less disables it
     * @param topP        nucleus mass, in (0, 1]
     * @param seed        seed of the random stream
     * @throws IllegalArgumentException when {@code temperature} is negative or NaN, or
     *         {@code topP} is outside (0, 1]
     */
    public SamplerConfig {
        if (Float.isNaN(temperature) || temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }

    /** {@return greedy decoding: temperature 0, no filters, seed 0} */
    public static SamplerConfig greedy() {
        return new SamplerConfig(0f, 0, 1f, 0L);
    }

    /** {@return whether the temperature is 0, so the sampler takes the argmax and draws nothing} */
    public boolean isGreedy() {
        return temperature == 0f;
    }
}
