package dev.calx.trainer;

import dev.calx.trainer.optim.LrSchedule;

/**
 * One training stage's settings. Defaults are the papers' recipe (SEEDS.md): AdamW lr 2e-5,
 * linear decay, 3% warm-up, weight decay 0, 3 epochs; clipping at 1.0 as Hugging Face's Trainer.
 *
 * @param stopAfterSteps stop (after checkpointing) once this many optimizer steps are done in
 *                       total; 0 = run to the end (used to test interruption and resume)
 * @param pack           pack samples into rows of maxLength tokens ({@code dev.calx.trainer.data.Packer})
 *                       instead of one padded sample per row; batchSize is then rows per batch
 * @param evalProblems   at each evaluation, greedy-decode this many validation problems with the
 *                       format's tool loop and log their accuracy (0 = off)
 * @param evalMaxTokens  new-token budget per problem for that accuracy
 */
public record TrainConfig(int epochs, double lr, int batchSize, int gradAccum, int maxLength, double warmupRatio,
                          LrSchedule.Kind schedule, double weightDecay, double beta1, double beta2, double eps,
                          double maxGradNorm, long seed, int logEvery, int evalEvery, int saveEvery, int keepLast,
                          double maxBadFraction, long stopAfterSteps, boolean pack, int evalProblems, int evalMaxTokens) {
    /** Without packing or generation accuracy. */
    public TrainConfig(int epochs, double lr, int batchSize, int gradAccum, int maxLength, double warmupRatio,
                       LrSchedule.Kind schedule, double weightDecay, double beta1, double beta2, double eps,
                       double maxGradNorm, long seed, int logEvery, int evalEvery, int saveEvery, int keepLast,
                       double maxBadFraction, long stopAfterSteps) {
        this(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2, eps, maxGradNorm, seed,
                logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, false, 0, 512);
    }

    public static TrainConfig defaults() {
        return new TrainConfig(3, 2e-5, 8, 1, 2048, 0.03, LrSchedule.Kind.LINEAR, 0.0, 0.9, 0.999, 1e-8, 1.0, 42,
                1, 0, 0, 2, 0.01, 0);
    }

    public TrainConfig withStopAfterSteps(long n) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, n, pack, evalProblems, evalMaxTokens);
    }

    public TrainConfig withPack(boolean p) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, p, evalProblems, evalMaxTokens);
    }

    public TrainConfig withEvalProblems(int n, int maxTokens) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, n, maxTokens);
    }

    public TrainConfig withEpochs(int n) {
        if (n <= 0) throw new IllegalArgumentException("epochs must be positive, got " + n);
        return new TrainConfig(n, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, evalProblems,
                evalMaxTokens);
    }
}
