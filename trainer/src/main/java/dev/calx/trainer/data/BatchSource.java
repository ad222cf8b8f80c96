package dev.calx.trainer.data;

import java.util.List;

/**
 * Where the training loop takes its micro-batches from: the same number of batches every epoch,
 * and an epoch's batches a pure function of (seed, epoch), so that a resumed run can skip to a
 * batch index and continue exactly. {@link Batcher} pads one sample per row; {@link Packer}
 * packs several samples into each row.
 */
public interface BatchSource {
    int batchesPerEpoch();

    /** The batches of an epoch in order (built when read). */
    List<Batch> epoch(int epoch);

    /** The widest row a batch can have (for the memory estimate). */
    int maxWidth();
}
