package dev.calx.trainer.data;

/**
 * A tokenized training example: {@code ids[0]} is BOS; {@code trained[i]} says whether token i
 * is a target of the loss (predicted from tokens 0..i-1). {@code truncated} when the length
 * limit cut it.
 */
public record Sample(String source, int[] ids, boolean[] trained, boolean truncated) {
    public int length() { return ids.length; }

    public int trainedTokens() {
        int n = 0;
        for (boolean b : trained) if (b) n++;
        return n;
    }
}
