package dev.calx.trainer.checkpoint;

/**
 * Where a run is, saved beside the model files so that a resumed run continues exactly: the
 * optimizer step count, the data position (epoch and the next micro-batch index in that
 * epoch's plan, which is a function of the seed and the epoch), the schedule, and the settings
 * that must not change across a resume (checked when resuming).
 *
 * <p>The data order has no other random state: {@code seed} is the whole RNG state.
 * "Checked" below marks the settings a resume compares with the new run's: all those that
 * change the result, so that a resumed run is the run that never stopped.
 *
 * @param version      the file format, {@link #VERSION} when written
 * @param step         optimizer steps done (global, across resumes); also AdamW's step count
 * @param epoch        the 0-based epoch of the next micro-batch
 * @param batchInEpoch the index, in that epoch's batch plan, of the next micro-batch (the plan's
 *                     size when the epoch is used up)
 * @param seed         the data-order seed (checked)
 * @param tokensSeen   real (non-padding) tokens of every micro-batch trained so far
 * @param baseLr       the peak learning rate (checked)
 * @param schedule     the schedule kind in lower case ({@code linear}, {@code cosine}, {@code constant}) (checked)
 * @param warmupSteps  warm-up length in optimizer steps (checked)
 * @param totalSteps   optimizer steps of the whole run (checked)
 * @param beta1        AdamW's first-moment decay (checked)
 * @param beta2        AdamW's second-moment decay (checked)
 * @param eps          AdamW's epsilon (checked)
 * @param weightDecay  AdamW's decoupled weight decay (checked)
 * @param maxGradNorm  the clipping threshold (checked)
 * @param batchSize    samples (or packed rows) per micro-batch (checked)
 * @param gradAccum    micro-batches per optimizer step (checked)
 * @param maxLength    the per-sample token limit (checked)
 * @param lastLoss     the mean token loss of the last step before the checkpoint
 * @param pack         whether samples were packed into rows (checked)
 */
public record TrainerState(int version, long step, int epoch, int batchInEpoch, long seed, long tokensSeen,
                           double baseLr, String schedule, long warmupSteps, long totalSteps,
                           double beta1, double beta2, double eps, double weightDecay, double maxGradNorm,
                           int batchSize, int gradAccum, int maxLength, double lastLoss, boolean pack) {
    /** The version this code writes; {@link Checkpoints#readState} rejects any other. */
    public static final int VERSION = 1;

    /**
     * Without packing (a state written before the field existed reads as pack = false).
     *
     * @param version      see {@link #version()}
     * @param step         see {@link #step()}
     * @param epoch        see {@link #epoch()}
     * @param batchInEpoch see {@link #batchInEpoch()}
     * @param seed         see {@link #seed()}
     * @param tokensSeen   see {@link #tokensSeen()}
     * @param baseLr       see {@link #baseLr()}
     * @param schedule     see {@link #schedule()}
     * @param warmupSteps  see {@link #warmupSteps()}
     * @param totalSteps   see {@link #totalSteps()}
     * @param beta1        see {@link #beta1()}
     * @param beta2        see {@link #beta2()}
     * @param eps          see {@link #eps()}
     * @param weightDecay  see {@link #weightDecay()}
     * @param maxGradNorm  see {@link #maxGradNorm()}
     * @param batchSize    see {@link #batchSize()}
     * @param gradAccum    see {@link #gradAccum()}
     * @param maxLength    see {@link #maxLength()}
     * @param lastLoss     see {@link #lastLoss()}
     */
    public TrainerState(int version, long step, int epoch, int batchInEpoch, long seed, long tokensSeen,
                        double baseLr, String schedule, long warmupSteps, long totalSteps,
                        double beta1, double beta2, double eps, double weightDecay, double maxGradNorm,
                        int batchSize, int gradAccum, int maxLength, double lastLoss) {
        this(version, step, epoch, batchInEpoch, seed, tokensSeen, baseLr, schedule, warmupSteps, totalSteps, beta1, beta2, eps,
                weightDecay, maxGradNorm, batchSize, gradAccum, maxLength, lastLoss, false);
    }
}
