package dev.calx.decode.format;

import dev.calx.decode.sample.SamplerConfig;

/**
 * Limits of one solve: tool calls (ToRA's 4, or blocks for MathCoder's 16: the format reads
 * whichever it uses), new tokens per generated segment and in total, and the sampler.
 */
public record SolveOptions(int maxToolCalls, int maxNewTokensPerSegment, int maxNewTokensTotal, SamplerConfig sampler) {
    public SolveOptions {
        if (maxToolCalls < 0) throw new IllegalArgumentException("max tool calls must be >= 0, got " + maxToolCalls);
        if (maxNewTokensPerSegment <= 0 || maxNewTokensTotal <= 0) throw new IllegalArgumentException("token limits must be positive");
    }

    /** Greedy decoding with 1024 new tokens per segment and 2048 per problem; pass the format's tool-call limit. */
    public static SolveOptions greedy(int maxToolCalls) {
        return new SolveOptions(maxToolCalls, 1024, 2048, SamplerConfig.greedy());
    }
}
