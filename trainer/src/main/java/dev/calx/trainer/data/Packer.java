package dev.calx.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Packing: samples concatenated into rows of at most {@code width} tokens, each sample whole
 * (samples are already cut to the length limit, which is the row width), with segment ids so that
 * attention never crosses samples and RoPE positions restart at each sample (the llama training
 * forward's packed mode), and next-token targets never reach into the next sample. Loss masks
 * are the samples' own.
 *
 * <p>The rows are made once, best-fit decreasing (longest sample first, into the open row with
 * the least room that still fits it; ties by row index): a pure function of the data, so every
 * epoch has the same number of rows and batches. Per epoch the rows are shuffled from
 * {@code (seed, epoch)} and cut into batches of {@code rowsPerBatch} rows; a batch is as wide as
 * its fullest row. Decision: rows are not re-packed per epoch (what changes per epoch is which
 * rows share a batch and their order), which keeps the step count fixed for the LR schedule.
 */
public final class Packer implements BatchSource {
    private final List<Sample> samples;
    private final int rowsPerBatch;
    private final int width;
    private final long seed;
    private final int padId;
    /** Sample indices of each row, in the order they sit in the row. */
    private final List<int[]> rows;

    /**
     * Packs the samples into rows (once, here).
     *
     * @param samples      the samples, kept (not copied); must not change afterwards
     * @param rowsPerBatch rows per batch (the last batch of an epoch may have fewer)
     * @param width        the row width in tokens (the length limit)
     * @param seed         the data-order seed
     * @param padId        the token id of padding slots
     * @throws IllegalArgumentException when {@code rowsPerBatch <= 0} or a sample is longer than {@code width}
     */
    public Packer(List<Sample> samples, int rowsPerBatch, int width, long seed, int padId) {
        if (rowsPerBatch <= 0) throw new IllegalArgumentException("batch size must be positive");
        this.samples = samples;
        this.rowsPerBatch = rowsPerBatch;
        this.width = width;
        this.seed = seed;
        this.padId = padId;
        this.rows = pack(samples, width);
    }

    static List<int[]> pack(List<Sample> samples, int width) {
        Integer[] order = new Integer[samples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (samples.get(i).length() > width) {
                throw new IllegalArgumentException("packing: sample " + samples.get(i).source() + " has " + samples.get(i).length()
                        + " tokens, more than the row width " + width);
            }
        }
        Arrays.sort(order, (a, b) -> samples.get(b).length() != samples.get(a).length()
                ? Integer.compare(samples.get(b).length(), samples.get(a).length()) : Integer.compare(a, b));
        List<List<Integer>> rows = new ArrayList<>();
        List<Integer> room = new ArrayList<>();
        // open rows keyed by (room left, row index): ceiling finds the best fit
        TreeSet<Long> open = new TreeSet<>();
        for (int i : order) {
            int len = samples.get(i).length();
            Long fit = open.ceiling((long) len << 32);
            int r;
            if (fit == null) {
                r = rows.size();
                rows.add(new ArrayList<>());
                room.add(width);
            } else {
                open.remove(fit);
                r = (int) (fit & 0xffffffffL);
            }
            rows.get(r).add(i);
            int left = room.get(r) - len;
            room.set(r, left);
            if (left > 0) open.add(((long) left << 32) | r);
        }
        List<int[]> out = new ArrayList<>(rows.size());
        for (List<Integer> row : rows) out.add(row.stream().mapToInt(Integer::intValue).toArray());
        return out;
    }

    /**
     * Rows made from the samples (fixed for the run).
     *
     * @return the number of rows
     */
    public int rowCount() {
        return rows.size();
    }

    /**
     * Tokens in rows / row slots: how full packing makes the rows.
     *
     * @return the fill ratio in [0, 1]; 0 when there are no rows
     */
    public double fill() {
        long t = 0;
        for (Sample s : samples) t += s.length();
        return rows.isEmpty() ? 0 : t / ((double) rows.size() * width);
    }

    @Override
    public int batchesPerEpoch() {
        return (rows.size() + rowsPerBatch - 1) / rowsPerBatch;
    }

    @Override
    public int maxWidth() {
        return width;
    }

    /**
     * The row indices of each batch of an epoch.
     *
     * @param epoch the 0-based epoch
     * @return one row-index array per batch, in the order the epoch trains them
     */
    public List<int[]> plan(int epoch) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] order = new int[rows.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<int[]> plan = new ArrayList<>();
        for (int b = 0; b < order.length; b += rowsPerBatch) plan.add(Arrays.copyOfRange(order, b, Math.min(order.length, b + rowsPerBatch)));
        return plan;
    }

    @Override
    public List<Batch> epoch(int epoch) {
        List<int[]> plan = plan(epoch);
        return new java.util.AbstractList<>() {
            @Override public Batch get(int i) { return batch(plan.get(i)); }
            @Override public int size() { return plan.size(); }
        };
    }

    /**
     * The batch of these rows: each row its samples one after another, then padding (a segment of its own).
     *
     * @param rowIndices packed-row indices, one per batch row (an entry of {@link #plan})
     * @return the batch, as wide as its fullest row, with segment ids
     */
    public Batch batch(int[] rowIndices) {
        int[] lengths = new int[rowIndices.length];
        int w = 0;
        for (int r = 0; r < rowIndices.length; r++) {
            for (int i : rows.get(rowIndices[r])) lengths[r] += samples.get(i).length();
            w = Math.max(w, lengths[r]);
        }
        int[] ids = new int[rowIndices.length * w], seg = new int[ids.length];
        boolean[] trained = new boolean[ids.length];
        Arrays.fill(ids, padId);
        for (int r = 0; r < rowIndices.length; r++) {
            int at = r * w, k = 0;
            for (int i : rows.get(rowIndices[r])) {
                Sample s = samples.get(i);
                System.arraycopy(s.ids(), 0, ids, at, s.length());
                System.arraycopy(s.trained(), 0, trained, at, s.length());
                Arrays.fill(seg, at, at + s.length(), k++);
                at += s.length();
            }
            Arrays.fill(seg, at, (r + 1) * w, k);
        }
        return new Batch(rowIndices.length, w, ids, trained, lengths, seg);
    }
}
