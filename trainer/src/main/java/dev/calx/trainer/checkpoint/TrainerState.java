package dev.calx.trainer.checkpoint;

/**
 * Where a run is, saved beside the model files so that a resumed run continues exactly: the
 * optimizer step count, the data position (epoch and the next micro-batch index in that
 * epoch's plan, which is a function of the seed and the epoch), the schedule, and the settings
 * that must not change across a resume (checked when resuming).
 *
 * <p>The data order has no other random state: {@code seed} is the whole RNG state.
 */
public record TrainerState(int version, long step, int epoch, int batchInEpoch, long seed, long tokensSeen,
                           double baseLr, String schedule, long warmupSteps, long totalSteps,
                           double beta1, double beta2, double eps, double weightDecay, double maxGradNorm,
                           int batchSize, int gradAccum, int maxLength, double lastLoss, boolean pack) {
    public static final int VERSION = 1;

    /** Without packing (a state written before the field existed reads as pack = false). */
    public TrainerState(int version, long step, int epoch, int batchInEpoch, long seed, long tokensSeen,
                        double baseLr, String schedule, long warmupSteps, long totalSteps,
                        double beta1, double beta2, double eps, double weightDecay, double maxGradNorm,
                        int batchSize, int gradAccum, int maxLength, double lastLoss) {
        this(version, step, epoch, batchInEpoch, seed, tokensSeen, baseLr, schedule, warmupSteps, totalSteps, beta1, beta2, eps,
                weightDecay, maxGradNorm, batchSize, gradAccum, maxLength, lastLoss, false);
    }
}
