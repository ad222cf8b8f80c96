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

    /** A builder starting from {@link #defaults()}: {@code TrainConfig.builder().lr(3e-3).epochs(1).build()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable companion of the record; {@link #build()} makes the immutable config. */
    public static final class Builder {
        private int epochs;
        private double lr;
        private int batchSize;
        private int gradAccum;
        private int maxLength;
        private double warmupRatio;
        private LrSchedule.Kind schedule;
        private double weightDecay;
        private double beta1;
        private double beta2;
        private double eps;
        private double maxGradNorm;
        private long seed;
        private int logEvery;
        private int evalEvery;
        private int saveEvery;
        private int keepLast;
        private double maxBadFraction;
        private long stopAfterSteps;
        private boolean pack;
        private int evalProblems;
        private int evalMaxTokens;

        private Builder(TrainConfig c) {
            epochs = c.epochs;
            lr = c.lr;
            batchSize = c.batchSize;
            gradAccum = c.gradAccum;
            maxLength = c.maxLength;
            warmupRatio = c.warmupRatio;
            schedule = c.schedule;
            weightDecay = c.weightDecay;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            maxGradNorm = c.maxGradNorm;
            seed = c.seed;
            logEvery = c.logEvery;
            evalEvery = c.evalEvery;
            saveEvery = c.saveEvery;
            keepLast = c.keepLast;
            maxBadFraction = c.maxBadFraction;
            stopAfterSteps = c.stopAfterSteps;
            pack = c.pack;
            evalProblems = c.evalProblems;
            evalMaxTokens = c.evalMaxTokens;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder gradAccum(int v) {
            gradAccum = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        public Builder schedule(LrSchedule.Kind v) {
            schedule = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder beta1(double v) {
            beta1 = v;
            return this;
        }

        public Builder beta2(double v) {
            beta2 = v;
            return this;
        }

        public Builder eps(double v) {
            eps = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        public Builder saveEvery(int v) {
            saveEvery = v;
            return this;
        }

        public Builder keepLast(int v) {
            keepLast = v;
            return this;
        }

        public Builder maxBadFraction(double v) {
            maxBadFraction = v;
            return this;
        }

        public Builder stopAfterSteps(long v) {
            stopAfterSteps = v;
            return this;
        }

        public Builder pack(boolean v) {
            pack = v;
            return this;
        }

        public Builder evalProblems(int v) {
            evalProblems = v;
            return this;
        }

        public Builder evalMaxTokens(int v) {
            evalMaxTokens = v;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2, eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, evalProblems, evalMaxTokens);
        }
    }
}
