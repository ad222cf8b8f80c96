package dev.calx.decode.format;

import dev.calx.decode.sample.SamplerConfig;

/**
 * Limits of one solve: tool calls (ToRA's 4, or blocks for MathCoder's 16: the format reads
 * whichever it uses), new tokens per generated segment and in total, and the sampler.
 *
 * @param maxToolCalls           code executions (tora, pot, hybrid) or generated blocks
 *                               (mathcoder) allowed; 0 runs no code (and for mathcoder
 *                               generates nothing)
 * @param maxNewTokensPerSegment most tokens sampled between two stops
 * @param maxNewTokensTotal      most tokens sampled over the whole solve, stop tokens included
 * @param sampler                how each token is chosen
 */
public record SolveOptions(int maxToolCalls, int maxNewTokensPerSegment, int maxNewTokensTotal, SamplerConfig sampler) {
    /**
     * Validates the limits.
     *
     * @param maxToolCalls           tool-call limit, at least 0
     * @param maxNewTokensPerSegment per-segment token limit, positive
     * @param maxNewTokensTotal      per-solve token limit, positive
     * @param sampler                the sampler configuration
     * @throws IllegalArgumentException when a limit is out of range
     */
    public SolveOptions {
        if (maxToolCalls < 0) throw new IllegalArgumentException("max tool calls must be >= 0, got " + maxToolCalls);
        if (maxNewTokensPerSegment <= 0 || maxNewTokensTotal <= 0) throw new IllegalArgumentException("token limits must be positive");
    }

    /**
     * Greedy decoding with 1024 new tokens per segment and 2048 per problem; pass the format's tool-call limit.
     *
     * @param maxToolCalls the tool-call limit, usually {@link PromptFormat#defaultMaxToolCalls()}
     * @return the options
     */
    public static SolveOptions greedy(int maxToolCalls) {
        return new SolveOptions(maxToolCalls, 1024, 2048, SamplerConfig.greedy());
    }
}
