package dev.calx.trainer;

/** NaN or Inf in the loss or the gradients: the run stops; the last checkpoint on disk is the last good one. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
