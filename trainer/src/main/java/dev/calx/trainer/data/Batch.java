package dev.calx.trainer.data;

/**
 * A padded batch, row-major {@code [rows][width]}: {@code ids} (padding is {@code padId}),
 * {@code trained} (false on padding and masked tokens), and each row's real length.
 */
public record Batch(int rows, int width, int[] ids, boolean[] trained, int[] lengths) {
    public int trainedTokens() {
        int n = 0;
        for (boolean b : trained) if (b) n++;
        return n;
    }

    public int realTokens() {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }
}
