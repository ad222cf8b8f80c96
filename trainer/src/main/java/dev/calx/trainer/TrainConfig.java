package dev.calx.trainer;

import dev.calx.trainer.optim.LrSchedule;

/**
 * One training stage's settings. Defaults are the papers' recipe (SEEDS.md): AdamW lr 2e-5,
 * linear decay, 3% warm-up, weight decay 0, 3 epochs; clipping at 1.0 as Hugging Face's Trainer.
 * The constructor checks every value (so do the builder and the withers, which call it): a bad
 * one is an {@link InvalidSettingException} (an {@code IllegalArgumentException}) naming the field, what it must be, and the value.
 *
 * @param epochs         passes over the training set
 * @param lr             the peak learning rate, before the schedule's multiplier
 * @param batchSize      samples per micro-batch (rows per micro-batch when packing)
 * @param gradAccum      micro-batches accumulated into one optimizer step
 * @param maxLength      the most tokens a sample keeps, BOS and EOS included (also capped by the model's
 *                       context length); longer samples are cut and counted as truncated; at least 2
 * @param warmupRatio    the fraction (0 to 1) of all optimizer steps spent warming up, rounded up to whole steps
 * @param schedule       the learning-rate shape after warm-up
 * @param weightDecay    AdamW's decoupled weight decay (biases and norm weights are never decayed)
 * @param beta1          AdamW's first-moment decay
 * @param beta2          AdamW's second-moment decay
 * @param eps            AdamW's epsilon
 * @param maxGradNorm    the global gradient norm clipped to; 0 or less disables clipping
 * @param seed           the seed of the data order (shuffles and batches); the same seed gives the same batches
 * @param logEvery       print the progress line every this many steps and at the last one; 0 = never
 * @param evalEvery      compute validation loss (and generation accuracy, when enabled) every this many
 *                       steps and at the last one; 0 = never
 * @param saveEvery      checkpoint every this many steps; 0 = only at the last step (and when stopping early)
 * @param keepLast       how many of the newest checkpoints to keep (at least 1 is always kept, so 0 means 1)
 * @param maxBadFraction the largest fraction of training samples that may be truncated or fully masked;
 *                       loading fails above it
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
    /**
     * Checks every setting: epochs, batchSize, gradAccum and evalMaxTokens at least 1, maxLength
     * at least 2; lr, weightDecay and eps finite and at least 0; beta1 and beta2 in [0, 1);
     * warmupRatio and maxBadFraction in [0, 1]; maxGradNorm not NaN; the step counts (logEvery,
     * evalEvery, saveEvery, keepLast, stopAfterSteps, evalProblems) at least 0; a schedule.
     *
     * @throws InvalidSettingException naming the first field out of range and its value
     */
    public TrainConfig {
        atLeast("epochs", epochs, 1);
        finiteAtLeastZero("lr", lr);
        atLeast("batchSize", batchSize, 1);
        atLeast("gradAccum", gradAccum, 1);
        atLeast("maxLength", maxLength, 2);
        fraction("warmupRatio", warmupRatio);
        if (schedule == null) throw new InvalidSettingException("schedule", "must be constant, linear or cosine, got null");
        finiteAtLeastZero("weightDecay", weightDecay);
        beta("beta1", beta1);
        beta("beta2", beta2);
        finiteAtLeastZero("eps", eps);
        if (Double.isNaN(maxGradNorm)) throw new InvalidSettingException("maxGradNorm", "must be a number (0 or less: no clipping), got NaN");
        atLeast("logEvery", logEvery, 0);
        atLeast("evalEvery", evalEvery, 0);
        atLeast("saveEvery", saveEvery, 0);
        atLeast("keepLast", keepLast, 0);
        fraction("maxBadFraction", maxBadFraction);
        atLeast("stopAfterSteps", stopAfterSteps, 0);
        atLeast("evalProblems", evalProblems, 0);
        atLeast("evalMaxTokens", evalMaxTokens, 1);
    }

    private static void atLeast(String field, long v, long min) {
        if (v < min) throw new InvalidSettingException(field, "must be at least " + min + ", got " + v);
    }

    private static void finiteAtLeastZero(String field, double v) {
        if (!(Double.isFinite(v) && v >= 0)) throw new InvalidSettingException(field, "must be a finite number >= 0, got " + v);
    }

    private static void fraction(String field, double v) {
        if (!(v >= 0 && v <= 1)) throw new InvalidSettingException(field, "must be between 0 and 1, got " + v);
    }

    private static void beta(String field, double v) {
        if (!(v >= 0 && v < 1)) throw new InvalidSettingException(field, "must be in [0, 1), got " + v);
    }

    /**
     * Without packing or generation accuracy ({@code evalMaxTokens} 512).
     *
     * @param epochs         see {@link #epochs()}
     * @param lr             see {@link #lr()}
     * @param batchSize      see {@link #batchSize()}
     * @param gradAccum      see {@link #gradAccum()}
     * @param maxLength      see {@link #maxLength()}
     * @param warmupRatio    see {@link #warmupRatio()}
     * @param schedule       see {@link #schedule()}
     * @param weightDecay    see {@link #weightDecay()}
     * @param beta1          see {@link #beta1()}
     * @param beta2          see {@link #beta2()}
     * @param eps            see {@link #eps()}
     * @param maxGradNorm    see {@link #maxGradNorm()}
     * @param seed           see {@link #seed()}
     * @param logEvery       see {@link #logEvery()}
     * @param evalEvery      see {@link #evalEvery()}
     * @param saveEvery      see {@link #saveEvery()}
     * @param keepLast       see {@link #keepLast()}
     * @param maxBadFraction see {@link #maxBadFraction()}
     * @param stopAfterSteps see {@link #stopAfterSteps()}
     * @throws IllegalArgumentException when a setting is out of range (see the canonical constructor)
     */
    public TrainConfig(int epochs, double lr, int batchSize, int gradAccum, int maxLength, double warmupRatio,
                       LrSchedule.Kind schedule, double weightDecay, double beta1, double beta2, double eps,
                       double maxGradNorm, long seed, int logEvery, int evalEvery, int saveEvery, int keepLast,
                       double maxBadFraction, long stopAfterSteps) {
        this(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2, eps, maxGradNorm, seed,
                logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, false, 0, 512);
    }

    /**
     * The papers' recipe: 3 epochs, lr 2e-5, batch 8, no accumulation, 2048 tokens, 3% warm-up,
     * linear decay, AdamW (0.9, 0.999, 1e-8) without weight decay, clipping at 1.0, seed 42, a
     * progress line every step, no evaluation or intermediate checkpoints, 2 checkpoints kept, at
     * most 1% bad samples, no packing.
     *
     * @return the default configuration
     */
    public static TrainConfig defaults() {
        return new TrainConfig(3, 2e-5, 8, 1, 2048, 0.03, LrSchedule.Kind.LINEAR, 0.0, 0.9, 0.999, 1e-8, 1.0, 42,
                1, 0, 0, 2, 0.01, 0);
    }

    /**
     * A copy with another {@code stopAfterSteps}.
     *
     * @param n the new {@link #stopAfterSteps()}
     * @return a copy with it
     * @throws IllegalArgumentException when {@code n < 0}
     */
    public TrainConfig withStopAfterSteps(long n) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, n, pack, evalProblems, evalMaxTokens);
    }

    /**
     * A copy with another {@code pack}.
     *
     * @param p the new {@link #pack()}
     * @return a copy with it
     */
    public TrainConfig withPack(boolean p) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, p, evalProblems, evalMaxTokens);
    }

    /**
     * A copy with another generation-accuracy setting.
     *
     * @param n         the new {@link #evalProblems()}
     * @param maxTokens the new {@link #evalMaxTokens()}
     * @return a copy with them
     * @throws IllegalArgumentException when {@code n < 0} or {@code maxTokens < 1}
     */
    public TrainConfig withEvalProblems(int n, int maxTokens) {
        return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, n, maxTokens);
    }

    /**
     * A copy with another number of epochs (the two-stage recipe's {@code --stage2-epochs}).
     *
     * @param n the new {@link #epochs()}
     * @return a copy with it
     * @throws IllegalArgumentException when {@code n <= 0}
     */
    public TrainConfig withEpochs(int n) {
        return new TrainConfig(n, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2,
                eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, evalProblems,
                evalMaxTokens);
    }

    /**
     * A builder starting from {@link #defaults()}: {@code TrainConfig.builder().lr(3e-3).epochs(1).build()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /**
     * A builder starting from this config.
     *
     * @return a new builder
     */
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

        /**
         * Sets {@link TrainConfig#epochs()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#lr()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder lr(double v) {
            lr = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#batchSize()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#gradAccum()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder gradAccum(int v) {
            gradAccum = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#maxLength()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#warmupRatio()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#schedule()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder schedule(LrSchedule.Kind v) {
            schedule = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#weightDecay()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#beta1()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder beta1(double v) {
            beta1 = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#beta2()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder beta2(double v) {
            beta2 = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#eps()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#maxGradNorm()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#seed()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#logEvery()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#evalEvery()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder evalEvery(int v) {
            evalEvery = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#saveEvery()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder saveEvery(int v) {
            saveEvery = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#keepLast()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder keepLast(int v) {
            keepLast = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#maxBadFraction()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder maxBadFraction(double v) {
            maxBadFraction = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#stopAfterSteps()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder stopAfterSteps(long v) {
            stopAfterSteps = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#pack()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder pack(boolean v) {
            pack = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#evalProblems()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder evalProblems(int v) {
            evalProblems = v;
            return this;
        }

        /**
         * Sets {@link TrainConfig#evalMaxTokens()}.
         *
         * @param v the new value
         * @return this builder
         */
        public Builder evalMaxTokens(int v) {
            evalMaxTokens = v;
            return this;
        }

        /**
         * Makes the immutable configuration; the builder can go on being used.
         *
         * @return the configuration with the values set so far
         * @throws IllegalArgumentException when a value is out of range (naming the field and the value)
         */
        public TrainConfig build() {
            return new TrainConfig(epochs, lr, batchSize, gradAccum, maxLength, warmupRatio, schedule, weightDecay, beta1, beta2, eps, maxGradNorm, seed, logEvery, evalEvery, saveEvery, keepLast, maxBadFraction, stopAfterSteps, pack, evalProblems, evalMaxTokens);
        }
    }
}
