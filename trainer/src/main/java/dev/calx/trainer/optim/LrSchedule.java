package dev.calx.trainer.optim;

/**
 * Learning-rate multipliers by optimizer step, with the formulas of Hugging Face's
 * {@code get_constant_schedule_with_warmup}, {@code get_linear_schedule_with_warmup} and
 * {@code get_cosine_schedule_with_warmup} (half a cosine wave). Step 0 is the first update, so
 * with warm-up the first update uses a learning rate of 0, as there.
 *
 * @param kind        the shape after warm-up
 * @param warmupSteps updates over which the multiplier rises linearly from 0 to 1 (0 = no warm-up)
 * @param totalSteps  optimizer steps of the whole run; linear and cosine reach 0 there
 */
public record LrSchedule(Kind kind, long warmupSteps, long totalSteps) {
    /** The shape of the multiplier after warm-up. */
    public enum Kind {
        /** 1 after warm-up. */
        CONSTANT,
        /** Linear decay from 1 at the end of warm-up to 0 at {@code totalSteps}. */
        LINEAR,
        /** Half a cosine wave from 1 at the end of warm-up to 0 at {@code totalSteps}. */
        COSINE
    }

    /**
     * Checks the step counts.
     *
     * @throws IllegalArgumentException when {@code warmupSteps < 0} or {@code totalSteps <= 0}
     */
    public LrSchedule {
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("schedule needs warm-up >= 0 and total steps > 0, got " + warmupSteps + " and " + totalSteps);
        }
    }

    /**
     * Warm-up steps from a ratio, as transformers' TrainingArguments: ceil(total * ratio).
     *
     * @param ratio      fraction of the run spent warming up (0.03 = 3%)
     * @param totalSteps optimizer steps of the whole run
     * @return the warm-up length in optimizer steps
     */
    public static long warmupFromRatio(double ratio, long totalSteps) {
        return (long) Math.ceil(totalSteps * ratio);
    }

    /**
     * Parses a schedule name as the command line gives it, ignoring case.
     *
     * @param s {@code constant}, {@code linear} or {@code cosine}
     * @return the kind
     * @throws IllegalArgumentException for any other name
     */
    public static Kind parseKind(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> Kind.CONSTANT;
            case "linear" -> Kind.LINEAR;
            case "cosine" -> Kind.COSINE;
            default -> throw new IllegalArgumentException("unknown schedule \"" + s + "\": expected constant, linear or cosine");
        };
    }

    /**
     * Multiplier of the base learning rate for the update with 0-based index {@code step}.
     *
     * @param step 0-based update index, meant to be below {@code totalSteps} (past it, linear
     *             stays at 0 but cosine rises again)
     * @return the multiplier, in [0, 1]
     */
    public double factor(long step) {
        if (step < warmupSteps) return (double) step / Math.max(1, warmupSteps);
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE -> {
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
            }
        };
    }
}
