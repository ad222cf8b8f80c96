package dev.calx.trainer.data;

import java.util.List;

/**
 * Where the training loop takes its micro-batches from: the same number of batches every epoch,
 * and an epoch's batches a pure function of (seed, epoch), so that a resumed run can skip to a
 * batch index and continue exactly. {@link Batcher} pads one sample per row; {@link Packer}
 * packs several samples into each row.
 */
public interface BatchSource {
    /**
     * The number of micro-batches in each epoch (the same for all).
     *
     * @return batches per epoch
     */
    int batchesPerEpoch();

    /**
     * The batches of an epoch in order (built when read).
     *
     * @param epoch the 0-based epoch
     * @return a list whose {@code get} builds the batch anew on every call
     */
    List<Batch> epoch(int epoch);

    /**
     * The widest row a batch can have (for the memory estimate).
     *
     * @return the width in tokens
     */
    int maxWidth();
}
