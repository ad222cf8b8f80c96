package dev.calx.decode.generate;

/**
 * Token and time accounting for one problem (or summed over many): tokens run through the
 * model as prefill (prompt and tool output) and as decode (sampled), and the time each took.
 * Not thread-safe: one problem's loop owns it.
 */
public final class GenerationStats {
    private long prefillTokens, decodeTokens, prefillNanos, decodeNanos;

    /** All counters at zero. */
    public GenerationStats() {}

    /**
     * Counts one prefill.
     *
     * @param tokens tokens run through the model
     * @param nanos  time the forward took, in nanoseconds
     */
    public void addPrefill(int tokens, long nanos) {
        prefillTokens += tokens;
        prefillNanos += nanos;
    }

    /**
     * Counts decode steps.
     *
     * @param tokens tokens sampled and appended
     * @param nanos  time the forwards took, in nanoseconds
     */
    public void addDecode(int tokens, long nanos) {
        decodeTokens += tokens;
        decodeNanos += nanos;
    }

    /**
     * Adds another's counters to these (to sum over problems).
     *
     * @param o the stats to add; not changed
     */
    public void add(GenerationStats o) {
        prefillTokens += o.prefillTokens;
        decodeTokens += o.decodeTokens;
        prefillNanos += o.prefillNanos;
        decodeNanos += o.decodeNanos;
    }

    /** {@return tokens run as prefill} */
    public long prefillTokens() {
        return prefillTokens;
    }

    /** {@return tokens sampled and appended} */
    public long decodeTokens() {
        return decodeTokens;
    }

    /** {@return model time of the prefills, in nanoseconds} */
    public long prefillNanos() {
        return prefillNanos;
    }

    /** {@return model time of the decode steps, in nanoseconds} */
    public long decodeNanos() {
        return decodeNanos;
    }

    /**
     * Model time: prefill plus decode, in nanoseconds.
     *
     * @return {@code prefillNanos() + decodeNanos()}
     */
    public long modelNanos() {
        return prefillNanos + decodeNanos;
    }

    /**
     * Sampled tokens per second of decode time (0 when nothing was decoded).
     *
     * @return the decode rate in tokens per second
     */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : decodeTokens * 1e9 / decodeNanos;
    }

    /** {@return prefilled tokens per second of prefill time (0 when nothing was prefilled)} */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : prefillTokens * 1e9 / prefillNanos;
    }

    @Override
    public String toString() {
        return String.format("prefill %d tokens (%.1f tok/s), decode %d tokens (%.1f tok/s)",
                prefillTokens, prefillTokensPerSecond(), decodeTokens, decodeTokensPerSecond());
    }
}
