package dev.calx.trainer.data;

/**
 * A tokenized training example: {@code ids[0]} is BOS; {@code trained[i]} says whether token i
 * is a target of the loss (predicted from tokens 0..i-1). {@code truncated} when the length
 * limit cut it.
 *
 * @param source    where it came from ({@code file:line}), for messages
 * @param ids       the token ids, at most the length limit
 * @param trained   one flag per token: whether it is a loss target
 * @param truncated whether the length limit cut the sample (its EOS is then gone too)
 */
public record Sample(String source, int[] ids, boolean[] trained, boolean truncated) {
    /**
     * The sample's length in tokens, BOS (and EOS, when kept) included.
     *
     * @return {@code ids.length}
     */
    public int length() { return ids.length; }

    /**
     * The loss targets this sample contributes.
     *
     * @return the number of true {@code trained} flags
     */
    public int trainedTokens() {
        int n = 0;
        for (boolean b : trained) if (b) n++;
        return n;
    }
}
