package dev.calx.decode.generate;

/**
 * Token and time accounting for one problem (or summed over many): tokens run through the
 * model as prefill (prompt and tool output) and as decode (sampled), and the time each took.
 */
public final class GenerationStats {
    private long prefillTokens, decodeTokens, prefillNanos, decodeNanos;

    public void addPrefill(int tokens, long nanos) {
        prefillTokens += tokens;
        prefillNanos += nanos;
    }

    public void addDecode(int tokens, long nanos) {
        decodeTokens += tokens;
        decodeNanos += nanos;
    }

    public void add(GenerationStats o) {
        prefillTokens += o.prefillTokens;
        decodeTokens += o.decodeTokens;
        prefillNanos += o.prefillNanos;
        decodeNanos += o.decodeNanos;
    }

    public long prefillTokens() {
        return prefillTokens;
    }

    public long decodeTokens() {
        return decodeTokens;
    }

    public long prefillNanos() {
        return prefillNanos;
    }

    public long decodeNanos() {
        return decodeNanos;
    }

    /** Model time: prefill plus decode, in nanoseconds. */
    public long modelNanos() {
        return prefillNanos + decodeNanos;
    }

    /** Sampled tokens per second of decode time (0 when nothing was decoded). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
    }

    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : prefillTokens * 1e9 / prefillNanos;
    }

    @Override
    public String toString() {
        return String.format("prefill %d tokens (%.1f tok/s), decode %d tokens (%.1f tok/s)",
                prefillTokens, prefillTokensPerSecond(), decodeTokens, decodeTokensPerSecond());
    }
}
