package dev.calx.trainer;

/** NaN or Inf in the loss or the gradients: the run stops; the last checkpoint on disk is the last good one. */
public final class TrainingDivergedException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what was not finite, at which step, and the last good checkpoint
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
