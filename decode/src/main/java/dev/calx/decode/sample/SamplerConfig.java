package dev.calx.decode.sample;

/**
 * How the next token is chosen. {@code temperature <= 0} is greedy (argmax); {@code topK <= 0} and {@code topP >= 1}
 * disable those filters. The seed makes sampling reproducible: the same seed, logits and
 * config give the same tokens.
 */
public record SamplerConfig(float temperature, int topK, float topP, long seed) {
    public SamplerConfig {
        if (Float.isNaN(temperature) || temperature < 0) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }

    public static SamplerConfig greedy() {
        return new SamplerConfig(0f, 0, 1f, 0L);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
