package dev.calx.tensor;

/** A requested backend cannot run here; the message names the missing piece and what to install. */
public final class BackendUnavailableException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message what is missing and what to install or pass instead
     */
    public BackendUnavailableException(String message) {
        super(message);
    }
}
