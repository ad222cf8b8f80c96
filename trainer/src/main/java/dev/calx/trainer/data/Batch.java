package dev.calx.trainer.data;

/**
 * A batch, row-major {@code [rows][width]}: {@code ids} (padding is the pad id), {@code trained}
 * (false on padding and masked tokens), each row's real length, and for packed rows
 * {@code segmentIds} (one per token: which sample of the row it belongs to, padding in a segment
 * of its own; null for one-sample-per-row batches). Attention and next-token targets stay
 * inside a segment.
 */
public record Batch(int rows, int width, int[] ids, boolean[] trained, int[] lengths, int[] segmentIds) {
    /** A padded batch: one sample per row. */
    public Batch(int rows, int width, int[] ids, boolean[] trained, int[] lengths) {
        this(rows, width, ids, trained, lengths, null);
    }

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
