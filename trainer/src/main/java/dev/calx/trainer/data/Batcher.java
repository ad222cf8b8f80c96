package dev.calx.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Length-bucketed padded batches: every row holds one sample (see {@link Packer} for packing). Per epoch, from {@code (seed,
 * epoch)} only: shuffle the samples, cut the order into windows of {@code 50 * batchSize},
 * sort each window by length, cut it into batches, and shuffle the batches. Same seed and
 * epoch, same batches, so a resumed run can skip to a batch index and continue exactly.
 */
public final class Batcher implements BatchSource {
    static final int WINDOW_BATCHES = 50;

    private final List<Sample> samples;
    private final int batchSize;
    private final long seed;
    private final int padId;

    /**
     * Batches over a fixed list of samples.
     *
     * @param samples   the samples, kept (not copied); must not change afterwards
     * @param batchSize samples per batch (the last batch of each window may have fewer)
     * @param seed      the data-order seed
     * @param padId     the token id of padding slots
     * @throws IllegalArgumentException when {@code batchSize <= 0}
     */
    public Batcher(List<Sample> samples, int batchSize, long seed, int padId) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        this.samples = samples;
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
    }

    @Override
    public int batchesPerEpoch() {
        return (samples.size() + batchSize - 1) / batchSize;
    }

    @Override
    public List<Batch> epoch(int epoch) {
        List<int[]> plan = plan(epoch);
        return new java.util.AbstractList<>() {
            @Override public Batch get(int i) { return batch(plan.get(i)); }
            @Override public int size() { return plan.size(); }
        };
    }

    @Override
    public int maxWidth() {
        int w = 0;
        for (Sample s : samples) w = Math.max(w, s.length());
        return w;
    }

    /**
     * The sample indices of each batch of an epoch, in order.
     *
     * @param epoch the 0-based epoch
     * @return one index array per batch, in the order the epoch trains them
     */
    public List<int[]> plan(int epoch) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int n = samples.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, rng);
        List<int[]> batches = new ArrayList<>();
        int window = batchSize * WINDOW_BATCHES;
        for (int w = 0; w < n; w += window) {
            Integer[] part = Arrays.copyOfRange(order, w, Math.min(n, w + window));
            Arrays.sort(part, Comparator.comparingInt((Integer i) -> samples.get(i).length()));
            for (int b = 0; b < part.length; b += batchSize) {
                int[] idx = new int[Math.min(batchSize, part.length - b)];
                for (int k = 0; k < idx.length; k++) idx[k] = part[b + k];
                batches.add(idx);
            }
        }
        int[][] arr = batches.toArray(new int[0][]);
        shuffle(arr, rng);
        return Arrays.asList(arr);
    }

    private static <T> void shuffle(T[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * The padded batch of the given samples: one per row, as wide as the longest, padding
     * filled with the pad id and never trained.
     *
     * @param indices sample indices, one per row (an entry of {@link #plan})
     * @return the batch, without segment ids
     */
    public Batch batch(int[] indices) {
        int width = 0;
        for (int i : indices) width = Math.max(width, samples.get(i).length());
        int[] ids = new int[indices.length * width];
        boolean[] trained = new boolean[indices.length * width];
        int[] lengths = new int[indices.length];
        Arrays.fill(ids, padId);
        for (int r = 0; r < indices.length; r++) {
            Sample s = samples.get(indices[r]);
            System.arraycopy(s.ids(), 0, ids, r * width, s.length());
            System.arraycopy(s.trained(), 0, trained, r * width, s.length());
            lengths[r] = s.length();
        }
        return new Batch(indices.length, width, ids, trained, lengths);
    }
}
