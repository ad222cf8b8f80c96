package dev.calx.trainer.data;

/**
 * A batch, row-major {@code [rows][width]}: {@code ids} (padding is the pad id), {@code trained}
 * (false on padding and masked tokens), each row's real length, and for packed rows
 * {@code segmentIds} (one per token: which sample of the row it belongs to, padding in a segment
 * of its own; null for one-sample-per-row batches). Attention and next-token targets stay
 * inside a segment.
 *
 * @param rows       the number of rows
 * @param width      tokens per row: the longest row's real length
 * @param ids        {@code rows * width} token ids, row-major
 * @param trained    {@code rows * width} flags, row-major: whether each token is a loss target
 * @param lengths    {@code rows} real (non-padding) token counts, one per row
 * @param segmentIds {@code rows * width} segment numbers, row-major, counting from 0 in each row;
 *                   null when every row holds one sample
 */
public record Batch(int rows, int width, int[] ids, boolean[] trained, int[] lengths, int[] segmentIds) {
    /**
     * A padded batch: one sample per row.
     *
     * @param rows    the number of rows
     * @param width   tokens per row
     * @param ids     {@code rows * width} token ids, row-major
     * @param trained {@code rows * width} loss-target flags, row-major
     * @param lengths real token count of each row
     */
    public Batch(int rows, int width, int[] ids, boolean[] trained, int[] lengths) {
        this(rows, width, ids, trained, lengths, null);
    }

    /**
     * The tokens the loss counts, i.e. its normalizer for this batch.
     *
     * @return the number of true {@code trained} flags
     */
    public int trainedTokens() {
        int n = 0;
        for (boolean b : trained) if (b) n++;
        return n;
    }

    /**
     * The tokens that are not padding (the throughput figure counts these).
     *
     * @return the sum of {@code lengths}
     */
    public int realTokens() {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }
}
